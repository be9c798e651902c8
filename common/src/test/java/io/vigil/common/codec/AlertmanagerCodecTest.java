package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.Fingerprint;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.common.model.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerCodecTest {
  private final AlertmanagerCodec codec = new AlertmanagerCodec("default");
  private static final long NOW = Instant.parse("2026-12-03T10:30:00Z").toEpochMilli();

  /** The body of Alertmanager's webhook receiver (version 4), as its documentation shows it. */
  static final String WEBHOOK =
      """
      {"version":"4","groupKey":"{}:{alertname=\\"HighLatency\\"}","truncatedAlerts":0,
       "status":"firing","receiver":"vigil","groupLabels":{"alertname":"HighLatency"},
       "commonLabels":{"alertname":"HighLatency"},"commonAnnotations":{},
       "externalURL":"http://alertmanager:9093",
       "alerts":[
        {"status":"firing","labels":{"alertname":"HighLatency","job":"checkout",
          "instance":"10.0.0.7:9100","severity":"critical"},
         "annotations":{"summary":"p99 latency above 2 s"},
         "startsAt":"2026-12-03T10:00:00.123456789Z","endsAt":"0001-01-01T00:00:00Z",
         "generatorURL":"http://prometheus:9090/graph?g0.expr=x","fingerprint":"c0ffee0123456789"},
        {"status":"resolved","labels":{"alertname":"DiskFull","service":"db","tenant":"acme",
          "severity":"warning"},
         "annotations":{},"startsAt":"2026-12-03T09:00:00Z","endsAt":"2026-12-03T10:10:00Z",
         "generatorURL":"","fingerprint":"feedfacefeedface"}
       ]}
      """;

  @Test
  void aWebhookNotificationGivesOneAlertPerEntryWithItsServiceAndSeverity() {
    AlertmanagerCodec.Result r = decode(WEBHOOK);
    assertThat(r.errors()).isEmpty();
    assertThat(r.alerts()).hasSize(2);
    IncomingAlert latency = r.alerts().get(0);
    assertThat(latency.fingerprint()).isEqualTo("c0ffee0123456789");
    assertThat(latency.firing()).isTrue();
    assertThat(latency.startsAt())
        .isEqualTo(Instant.parse("2026-12-03T10:00:00.123Z").toEpochMilli());
    assertThat(latency.endsAt()).isZero(); // Go's zero time: not known yet
    assertThat(latency.alertName()).isEqualTo("HighLatency");
    assertThat(latency.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(latency.tenant()).isEqualTo("default");
    assertThat(latency.source()).isEqualTo("checkout");
    assertThat(latency.instance()).isEqualTo("10.0.0.7:9100");
    assertThat(latency.annotations()).containsEntry("summary", "p99 latency above 2 s");
    assertThat(latency.generatorUrl()).startsWith("http://prometheus:9090/");
    assertThat(latency.action()).isEqualTo(IncomingAlert.ANALYZE);

    IncomingAlert disk = r.alerts().get(1);
    assertThat(disk.firing()).isFalse();
    assertThat(disk.endsAt()).isEqualTo(Instant.parse("2026-12-03T10:10:00Z").toEpochMilli());
    assertThat(disk.tenant()).isEqualTo("acme");
    assertThat(disk.source()).isEqualTo("db"); // service before job, as the metrics decoders
    assertThat(disk.severity()).isEqualTo(Severity.MEDIUM);
    // one episode, one row id, whatever notification it came in
    assertThat(disk.alertId()).isEqualTo(decode(WEBHOOK).alerts().get(1).alertId());
    assertThat(disk.alertId()).isNotEqualTo(latency.alertId());
  }

  @Test
  void aSingleAlertWithoutFingerprintOrStatusIsStillAnAlert() {
    String alert =
        "{\"labels\":{\"alertname\":\"Down\",\"job\":\"api\"},"
            + "\"startsAt\":\"2026-12-03T10:00:00Z\",\"endsAt\":\"END\"}";
    // API v1 posts carry no status: an end after the receipt (10:30) means still firing
    IncomingAlert a = decode(alert.replace("END", "2026-12-03T10:40:00Z")).alerts().get(0);
    assertThat(a.firing()).isTrue();
    assertThat(a.endsAt()).isZero();
    assertThat(a.fingerprint())
        .isEqualTo(Fingerprint.of("alertmanager", Map.of("alertname", "Down", "job", "api")));
    IncomingAlert ended =
        decode("[" + alert.replace("END", "2026-12-03T10:20:00Z") + "]").alerts().get(0);
    assertThat(ended.firing()).isFalse();
    assertThat(ended.endsAt()).isEqualTo(Instant.parse("2026-12-03T10:20:00Z").toEpochMilli());
    assertThat(ended.alertId()).isEqualTo(a.alertId());
  }

  @Test
  void unusableAlertsAreReasonsAndTheRestOfTheNotificationIsKept() {
    String mixed =
        "{\"alerts\":[{\"labels\":{\"job\":\"api\"},\"startsAt\":\"2026-12-03T10:00:00Z\"},"
            + "{\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"yesterday\"},"
            + "{\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"0001-01-01T00:00:00Z\"},"
            + "{\"labels\":{\"alertname\":\"A\"},\"status\":\"pending\","
            + "\"startsAt\":\"2026-12-03T10:00:00Z\"},"
            + "{\"labels\":{\"alertname\":\"A\",\"n\":{}},\"startsAt\":\"2026-12-03T10:00:00Z\"},"
            + "{\"labels\":{\"alertname\":\"Ok\"},\"startsAt\":\"2026-12-03T10:00:00Z\"}]}";
    AlertmanagerCodec.Result r = decode(mixed);
    assertThat(r.alerts()).extracting(IncomingAlert::alertName).containsExactly("Ok");
    assertThat(r.errors())
        .containsExactly(
            "alerts[0]: label 'alertname' is missing",
            "alerts[1]: field 'startsAt' must be an RFC 3339 time",
            "alerts[2]: field 'startsAt' is missing or Go's zero time",
            "alerts[3]: field 'status' must be firing or resolved, not 'pending'",
            "alerts[4]: label 'n' must be a string");
    assertThat(decode("not json").errors().get(0)).startsWith("invalid JSON: ");
    assertThat(decode("{\"alerts\":[]}").errors()).containsExactly("a notification without alerts");
    assertThat(decode("{\"alerts\":{}}").errors())
        .containsExactly("field 'alerts' must be an array");
    assertThat(decode("42").errors().get(0)).startsWith("expected an Alertmanager webhook");
  }

  @Test
  void severityConventionsMapToTheNearestLevel() {
    assertThat(IncomingAlert.severityOf("critical")).isEqualTo(Severity.CRITICAL);
    assertThat(IncomingAlert.severityOf("P1")).isEqualTo(Severity.CRITICAL);
    assertThat(IncomingAlert.severityOf("error")).isEqualTo(Severity.HIGH);
    assertThat(IncomingAlert.severityOf("warning")).isEqualTo(Severity.MEDIUM);
    assertThat(IncomingAlert.severityOf("info")).isEqualTo(Severity.LOW);
    assertThat(IncomingAlert.severityOf(null)).isEqualTo(Severity.MEDIUM);
  }

  private AlertmanagerCodec.Result decode(String json) {
    return codec.decode(json.getBytes(StandardCharsets.UTF_8), NOW);
  }
}
