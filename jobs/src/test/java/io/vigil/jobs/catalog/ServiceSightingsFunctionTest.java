package io.vigil.jobs.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.MetricPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

class ServiceSightingsFunctionTest {
  static final long H = ServiceSightingsFunction.HOUR;
  static final long T0 = 1_764_000_000_000L / H * H;

  static MetricPoint point(String source, long t) {
    return new MetricPoint("acme", source, "cpu", Map.of(), t, 1);
  }

  @Test
  void aServiceIsReportedOnceAnHourItsDataMovesToAndNoMore() {
    var f = new ServiceSightingsFunction<>("metrics", new ServiceCatalog.MetricPoints());
    f.open(null);
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
            new ServiceSighting("acme", "web", "metrics", T0),
            new ServiceSighting("acme", "db", "metrics", T0 + 5_000),
            new ServiceSighting("acme", "web", "metrics", T0 + H + 1),
            new ServiceSighting("acme", "web", "metrics", T0 - 1));
  }

  @Test
  void whatItRemembersIsBoundedAndAForgottenServiceIsReportedAgain() {
    var f = new ServiceSightingsFunction<>("metrics", new ServiceCatalog.MetricPoints());
    f.open(null);
    List<ServiceSighting> out = new ArrayList<>();
    ListCollector<ServiceSighting> c = new ListCollector<>(out);
    f.flatMap(point("first", T0), c);
    for (int i = 0; i < ServiceSightingsFunction.MAX_SERVICES; i++) {
      f.flatMap(point("s" + i, T0), c);
    }
    f.flatMap(point("s1", T0 + 1), c); // still remembered: nothing
    f.flatMap(point("first", T0 + 1), c); // the least recently seen, forgotten: again
    assertThat(out).hasSize(ServiceSightingsFunction.MAX_SERVICES + 2);
    assertThat(out.get(out.size() - 1))
        .isEqualTo(new ServiceSighting("acme", "first", "metrics", T0 + 1));
  }
}
