package io.vigil.jobs.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.codec.WireFormat;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.Parsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

class ServiceSightingsFunctionTest {
  static final long H = ServiceSightingsFunction.HOUR;
  static final long T0 = 1_764_000_000_000L / H * H;

  static Parsed<MetricPoint> point(String source, long t) {
    return point(source, t, WireFormat.OTLP_PROTO);
  }

  static Parsed<MetricPoint> point(String source, long t, WireFormat format) {
    return Parsed.of(new MetricPoint("acme", source, "cpu", Map.of(), t, 1), t, format);
  }

  static ServiceSighting seen(String service, long t) {
    return new ServiceSighting("acme", service, "metrics", WireFormat.OTLP_PROTO, "vigil.m", t);
  }

  static ServiceSightingsFunction<MetricPoint> sightings() {
    var f = new ServiceSightingsFunction<>("metrics", "vigil.m", new ServiceCatalog.MetricPoints());
    f.open(null);
    return f;
  }

  @Test
  void aServiceIsReportedOnceAnHourItsDataMovesToAndNoMore() {
    var f = sightings();
    List<ServiceSighting> out = new ArrayList<>();
    ListCollector<ServiceSighting> c = new ListCollector<>(out);
    for (int i = 0; i < 60; i++) {
      f.flatMap(point("web", T0 + i * 60_000), c); // one hour: reported once
    }
    f.flatMap(point("db", T0 + 5_000), c); // another service
    f.flatMap(point("web", T0 + H + 1), c); // the next hour
    f.flatMap(point("web", T0 + H + 2), c);
    f.flatMap(point("web", T0 - 1), c); // a backfill of the hour before
    f.flatMap(point("web", T0 + 30 * 60_000), c); // between what was reported
    assertThat(out)
        .containsExactly(
            seen("web", T0), seen("db", T0 + 5_000), seen("web", T0 + H + 1), seen("web", T0 - 1));
  }

  @Test
  void whatItRemembersIsBoundedAndAForgottenServiceIsReportedAgain() {
    var f = sightings();
    List<ServiceSighting> out = new ArrayList<>();
    ListCollector<ServiceSighting> c = new ListCollector<>(out);
    f.flatMap(point("first", T0), c);
    for (int i = 0; i < ServiceSightingsFunction.MAX_SERVICES; i++) {
      f.flatMap(point("s" + i, T0), c);
    }
    f.flatMap(point("s1", T0 + 1), c); // still remembered: nothing
    f.flatMap(point("first", T0 + 1), c); // the least recently seen, forgotten: again
    assertThat(out).hasSize(ServiceSightingsFunction.MAX_SERVICES + 2);
    assertThat(out.get(out.size() - 1)).isEqualTo(seen("first", T0 + 1));
  }

  @Test
  void eachFormAServiceSendsInIsADataSourceAndDeadLettersAreNoSightings() {
    var f = sightings();
    List<ServiceSighting> out = new ArrayList<>();
    ListCollector<ServiceSighting> c = new ListCollector<>(out);
    f.flatMap(point("web", T0, WireFormat.OTLP_PROTO), c);
    f.flatMap(point("web", T0 + 1, WireFormat.INFLUX_LINE), c); // the same service, a second sender
    f.flatMap(point("web", T0 + 2, WireFormat.INFLUX_LINE), c);
    f.flatMap(
        Parsed.dead(new DeadLetter("parse", "invalid JSON", "vigil.m", 0, 7, T0, new byte[1])), c);
    assertThat(out)
        .extracting(ServiceSighting::dataSource)
        .containsExactly("otlp-proto via vigil.m", "influx-line via vigil.m");
    assertThat(out)
        .extracting(s -> s.format().sender())
        .containsExactly("otel-collector", "telegraf");
  }
}
