package io.vigil.common.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertAnalysisTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long MIN = 60_000;
  static final long START = 1_000 * MIN;

  static IncomingAlert alert(String source, String instance) {
    return new IncomingAlert(
        "fp",
        true,
        START,
        0,
        "HighLatency",
        Severity.HIGH,
        "acme",
        source,
        instance,
        Map.of("alertname", "HighLatency"),
        Map.of(),
        "",
        "",
        IncomingAlert.ANALYZE);
  }

  static AlertAnalysis.Evidence anomaly(
      String id, String metric, String instance, long at, Severity s, String component) {
    return AlertAnalysis.Evidence.of(
        new Anomaly(
            id,
            "acme",
            "checkout",
            metric,
            Map.of("instance", instance),
            "series",
            at,
            1.0,
            0.6,
            s,
            "ensemble",
            "7",
            "{\"component\":\"" + component + "\",\"why\":\"" + metric + " is odd\"}"));
  }

  @Test
  void anomaliesInTheWindowExplainTheAlertTheMostTellingFirst() throws Exception {
    List<AlertAnalysis.Evidence> recent =
        List.of(
            anomaly("too-early", "cpu", "i1", START - 61 * MIN, Severity.CRITICAL, "level"),
            anomaly("other-host", "latency", "i2", START - 20 * MIN, Severity.CRITICAL, "shift"),
            anomaly("same-host", "errors", "i1", START - 10 * MIN, Severity.MEDIUM, "burst"),
            anomaly("after", "queue", "i1", START + 4 * MIN, Severity.HIGH, "stuck"),
            anomaly("too-late", "queue", "i1", START + 6 * MIN, Severity.HIGH, "stuck"));
    JsonNode a =
        JSON.readTree(AlertAnalysis.explain(alert("checkout", "i1"), recent, 60 * MIN, 5 * MIN));
    assertThat(a.get("anomalies_found").asInt()).isEqualTo(3);
    assertThat(a.get("anomalies").findValuesAsText("id"))
        .containsExactly("after", "same-host", "other-host");
    assertThat(a.get("anomalies").get(1).get("seconds_before_alert").asLong()).isEqualTo(600);
    assertThat(a.get("summary").asText())
        .startsWith("3 anomalies on checkout around the alert, the first 20 min before the alert")
        .contains("most telling: queue (stuck), high");
    assertThat(a.get("recommendations").get(0).asText())
        .startsWith("queue stopped changing at ")
        .endsWith("check the exporter or collector on i1 before the service itself.");
    assertThat(a.get("recommendations")).hasSize(3);
  }

  @Test
  void aSlowTrendPointsAtSomethingThatAccumulates() throws Exception {
    List<AlertAnalysis.Evidence> recent =
        List.of(anomaly("leak", "memory", "i1", START - 40 * MIN, Severity.MEDIUM, "trend"));
    JsonNode a =
        JSON.readTree(AlertAnalysis.explain(alert("checkout", "i1"), recent, 60 * MIN, 5 * MIN));
    assertThat(a.get("recommendations").get(0).asText())
        .startsWith("memory had been drifting away from its usual average when it was flagged at ")
        .endsWith(
            "look for something that accumulates on i1 (a leak, a filling disk or queue,"
                + " a growing backlog).");
  }

  @Test
  void withoutAnomaliesOrServiceTheAnalysisSaysSo() throws Exception {
    JsonNode none =
        JSON.readTree(AlertAnalysis.explain(alert("checkout", ""), List.of(), MIN, MIN));
    assertThat(none.get("anomalies_found").asInt()).isZero();
    assertThat(none.get("summary").asText())
        .startsWith("No anomaly on checkout around the alert")
        .contains("it is in the services table under that name");
    JsonNode nameless = JSON.readTree(AlertAnalysis.explain(alert("", ""), List.of(), MIN, MIN));
    assertThat(nameless.get("summary").asText()).startsWith("The alert has no service label");
  }

  @Test
  void logsAndDriftOfTheServiceSayWhatToLookAt() throws Exception {
    List<AlertAnalysis.Evidence> recent =
        List.of(
            anomaly("drift", "drift", "", START - 30 * MIN, Severity.CRITICAL, "drift"),
            anomaly("quiet", "logs", "", START - 20 * MIN, Severity.HIGH, "silence"),
            anomaly("errors", "logs", "", START - 2 * MIN, Severity.MEDIUM, "log-window"));
    JsonNode a =
        JSON.readTree(AlertAnalysis.explain(alert("checkout", ""), recent, 60 * MIN, 5 * MIN));
    assertThat(a.get("anomalies_found").asInt()).isEqualTo(3);
    List<String> hints = new java.util.ArrayList<>();
    a.get("recommendations").forEach(h -> hints.add(h.asText()));
    assertThat(hints).hasSize(3);
    assertThat(hints.get(0))
        .startsWith("Infrastructure changed outside its code at ")
        .contains("(drift is odd)")
        .endsWith("review that change first, and revert it if the alert started with it.");
    assertThat(hints.get(1))
        .startsWith("checkout stopped logging at ")
        .endsWith("check that it is running and that its log shipper still sends.");
    assertThat(hints.get(2))
        .startsWith("The logs of checkout changed at ")
        .endsWith("read the templates the log anomaly names (new errors first): logs is odd.");
  }

  static AlertTransition vigilAlert(String transition, long startsAt, Map<String, String> labels) {
    return new AlertTransition(
        "alert-" + startsAt / MIN,
        "fp-vigil",
        "rule-1",
        "latency above 300",
        "high",
        "suppressed".equals(transition) ? AlertStatus.SUPPRESSED : AlertStatus.FIRING,
        transition,
        true,
        "key",
        startsAt,
        0,
        startsAt,
        412.0,
        labels,
        Map.of("summary", "latency above 300: latency_ms gt 300.0 (value 412.0)"),
        List.of("hook"),
        "",
        0,
        0);
  }

  @Test
  void alertsVigilRaisedOnTheServiceAreTheSameIncident() throws Exception {
    Map<String, String> labels =
        Map.of("tenant", "acme", "source", "checkout", "metric", "latency_ms", "instance", "i1");
    AlertTransition firing = vigilAlert("firing", START - 3 * MIN, labels);
    // raised (notified or silenced) and about a service: evidence; other changes, or no service:
    // not
    assertThat(AlertAnalysis.raised(firing)).isTrue();
    assertThat(AlertAnalysis.raised(vigilAlert("suppressed", START, labels))).isTrue();
    assertThat(AlertAnalysis.raised(vigilAlert("pending", START, labels))).isFalse();
    assertThat(AlertAnalysis.raised(vigilAlert("resolved", START, labels))).isFalse();
    assertThat(AlertAnalysis.raised(vigilAlert("repeat-1", START, labels))).isFalse();
    assertThat(AlertAnalysis.raised(vigilAlert("firing", START, Map.of("tenant", "acme"))))
        .isFalse();

    AlertAnalysis.Evidence e = AlertAnalysis.Evidence.of(firing);
    assertThat(e.vigilAlert()).isTrue();
    assertThat(e.severity()).isEqualTo(Severity.HIGH);
    List<AlertAnalysis.Evidence> recent =
        List.of(
            e,
            AlertAnalysis.Evidence.of(vigilAlert("firing", START - 90 * MIN, labels)),
            anomaly("spike", "latency_ms", "i1", START - 4 * MIN, Severity.CRITICAL, "level"));
    JsonNode a =
        JSON.readTree(AlertAnalysis.explain(alert("checkout", "i1"), recent, 60 * MIN, 5 * MIN));
    // the anomaly is counted as one; the alert is listed apart, the one outside the window not
    assertThat(a.get("anomalies_found").asInt()).isEqualTo(1);
    assertThat(a.get("vigil_alerts")).hasSize(1);
    JsonNode listed = a.get("vigil_alerts").get(0);
    assertThat(listed.get("id").asText()).isEqualTo(firing.alertId());
    assertThat(listed.get("seconds_before_alert").asLong()).isEqualTo(180);
    assertThat(listed.get("severity").asText()).isEqualTo("high");
    assertThat(listed.get("metric").asText()).isEqualTo("latency_ms");
    assertThat(a.get("summary").asText())
        .startsWith("1 anomaly on checkout around the alert")
        .endsWith(
            " Vigil raised an alert on checkout 3 min before this one: latency above 300:"
                + " latency_ms gt 300.0 (value 412.0).");
    assertThat(a.get("recommendations").get(0).asText())
        .isEqualTo(
            "Vigil's alert "
                + firing.alertId()
                + " (latency above 300: latency_ms gt 300.0 (value 412.0)) is about the same"
                + " incident: handle the two as one, and acknowledge both.");

    JsonNode alone =
        JSON.readTree(
            AlertAnalysis.explain(alert("checkout", "i1"), List.of(e), 60 * MIN, 5 * MIN));
    assertThat(alone.get("anomalies_found").asInt()).isZero();
    assertThat(alone.get("summary").asText())
        .startsWith("No anomaly on checkout around the alert. But Vigil raised an alert");
    JsonNode none =
        JSON.readTree(AlertAnalysis.explain(alert("checkout", "i1"), List.of(), 60 * MIN, 5 * MIN));
    assertThat(none.get("vigil_alerts")).isEmpty();
  }

  static ErrorGroupRow errorGroup(
      String hash, String template, String severity, long firstSeen, long count, String merged) {
    return new ErrorGroupRow(
        "acme",
        "checkout",
        hash,
        "t-" + hash,
        template,
        severity,
        template.replace("<*>", "3000"),
        firstSeen,
        firstSeen + 2 * MIN,
        count,
        7,
        true,
        merged);
  }

  @Test
  void errorsTheServiceStartedLoggingAroundTheAlertAreItsFirstSuspect() throws Exception {
    AlertAnalysis.Evidence timeout =
        AlertAnalysis.Evidence.of(
            errorGroup("e1", "gateway timeout after <*> ms", "ERROR", START - 4 * MIN, 412, null));
    AlertAnalysis.Evidence oom =
        AlertAnalysis.Evidence.of(
            errorGroup("e2", "out of memory in <*>", "panic", START - 2 * MIN, 1, null));
    AlertAnalysis.Evidence old =
        AlertAnalysis.Evidence.of(
            errorGroup("e0", "cache miss for <*>", "ERROR", START - 6 * 60 * MIN, 90_000, null));
    assertThat(timeout.newError()).isTrue();
    assertThat(timeout.vigilAlert()).isFalse();
    assertThat(timeout.timestamp()).isEqualTo(START - 4 * MIN);
    assertThat(timeout.severity()).isEqualTo(Severity.HIGH);
    assertThat(oom.severity()).isEqualTo(Severity.CRITICAL);

    JsonNode a =
        JSON.readTree(
            AlertAnalysis.explain(
                alert("checkout", "i1"), List.of(old, oom, timeout), 60 * MIN, 5 * MIN));
    // errors are no anomalies; the one first seen hours before the window is no news
    assertThat(a.get("anomalies_found").asInt()).isZero();
    assertThat(a.get("new_errors_found").asInt()).isEqualTo(2);
    JsonNode first = a.get("new_errors").get(0);
    assertThat(first.get("id").asText()).isEqualTo("e1");
    assertThat(first.get("seconds_before_alert").asLong()).isEqualTo(240);
    assertThat(first.get("occurrences").asLong()).isEqualTo(412);
    assertThat(first.get("template").asText()).isEqualTo("gateway timeout after <*> ms");
    assertThat(first.get("severity").asText()).isEqualTo("high");
    assertThat(a.get("new_errors").get(1).get("id").asText()).isEqualTo("e2");
    assertThat(a.get("summary").asText())
        .isEqualTo(
            "No anomaly on checkout around the alert. 2 new errors appeared in the logs of"
                + " checkout, the first 4 min before this one (412 times so far): gateway"
                + " timeout after <*> ms.");
    assertThat(a.get("recommendations").get(0).asText())
        .startsWith("checkout started logging a new error at ")
        .contains("(error group e1): gateway timeout after <*> ms. Read it first");

    // with an anomaly and an alert of Vigil's own: the anomaly leads, the error follows, the
    // alert closes the summary; the same incident is the first recommendation, the error next
    AlertTransition raised =
        vigilAlert(
            "firing", START - MIN, Map.of("tenant", "acme", "source", "checkout", "metric", "x"));
    JsonNode all =
        JSON.readTree(
            AlertAnalysis.explain(
                alert("checkout", "i1"),
                List.of(
                    timeout,
                    AlertAnalysis.Evidence.of(raised),
                    anomaly("spike", "latency_ms", "i1", START - 3 * MIN, Severity.HIGH, "level")),
                60 * MIN,
                5 * MIN));
    assertThat(all.get("summary").asText())
        .startsWith("1 anomaly on checkout around the alert")
        .contains(". A new error appeared in the logs of checkout, the first 4 min before")
        .endsWith(
            " Vigil raised an alert on checkout 1 min before this one: "
                + raised.annotations().get("summary")
                + ".");
    assertThat(all.get("recommendations").get(0).asText()).startsWith("Vigil's alert ");
    assertThat(all.get("recommendations").get(1).asText())
        .startsWith("checkout started logging a new error at ");
    assertThat(all.get("recommendations")).hasSize(3);

    // a group with no template text is quoted by its example; a long one is cut
    String longTemplate = "x".repeat(500);
    assertThat(
            AlertAnalysis.Evidence.of(errorGroup("e3", longTemplate, "ERROR", START, 1, null))
                .why())
        .hasSize(AlertAnalysis.MAX_TEMPLATE)
        .endsWith("...");
    ErrorGroupRow evicted =
        new ErrorGroupRow(
            "acme",
            "checkout",
            "e4",
            "t4",
            "",
            "ERROR",
            "boom at 12",
            START,
            START,
            1,
            0,
            true,
            null);
    assertThat(AlertAnalysis.Evidence.of(evicted).why()).isEqualTo("boom at 12");
  }
}
