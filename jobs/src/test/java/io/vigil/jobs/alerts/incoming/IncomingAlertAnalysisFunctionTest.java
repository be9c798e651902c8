package io.vigil.jobs.alerts.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Severity;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class IncomingAlertAnalysisFunctionTest {
  static final long MIN = 60_000;
  static final long T0 = 1_700_000_000_000L;

  static IncomingAlert alert(String fp, long startsAt, boolean firing, String action) {
    return new IncomingAlert(
        fp,
        firing,
        startsAt,
        firing ? 0 : startsAt + 30 * MIN,
        "HighLatency",
        Severity.HIGH,
        "acme",
        "checkout",
        "i1",
        Map.of("alertname", "HighLatency"),
        Map.of(),
        "",
        "",
        action);
  }

  static Anomaly anomaly(String id, long at) {
    return new Anomaly(
        id,
        "acme",
        "checkout",
        "latency",
        Map.of("instance", "i1"),
        "s",
        at,
        9,
        0.9,
        Severity.CRITICAL,
        "ensemble",
        "7",
        "{\"component\":\"level\",\"why\":\"high\"}");
  }

  static KeyedTwoInputStreamOperatorTestHarness<
          String, IncomingAlert, ServiceEvidence, IncomingAlertRow>
      harness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
        new IncomingAlertAnalysisFunction(60 * MIN, 10 * MIN, 7 * 24 * 60 * MIN),
        IncomingAlert::serviceKey,
        ServiceEvidence::serviceKey,
        Types.STRING);
  }

  static List<String> transitions(
      KeyedTwoInputStreamOperatorTestHarness<
              String, IncomingAlert, ServiceEvidence, IncomingAlertRow>
          h) {
    return h.extractOutputValues().stream()
        .map(
            r ->
                r.alert().fingerprint()
                    + "@"
                    + (r.alert().startsAt() - T0) / MIN
                    + " "
                    + r.transition()
                    + (r.analysisJson() == null ? "" : " analysed"))
        .toList();
  }

  @Test
  void repeatsAreDroppedEpisodesAndResolutionsAreChanges() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement1(new StreamRecord<>(alert("fp", T0, true, "auto_analyze"), T0));
      h.processElement1(new StreamRecord<>(alert("fp", T0, true, "auto_analyze"), T0 + MIN));
      h.processElement1(new StreamRecord<>(alert("fp", T0, false, "auto_analyze"), T0 + 2 * MIN));
      h.processElement1(new StreamRecord<>(alert("fp", T0, false, "auto_analyze"), T0 + 3 * MIN));
      // a firing notification overtaken by its episode's resolution is not a new firing
      h.processElement1(new StreamRecord<>(alert("fp", T0, true, "auto_analyze"), T0 + 4 * MIN));
      // the next episode of the same alert, then a late resolution of the first one
      h.processElement1(
          new StreamRecord<>(alert("fp", T0 + 60 * MIN, true, "manual"), T0 + 60 * MIN));
      h.processElement1(new StreamRecord<>(alert("fp", T0, false, "auto_analyze"), T0 + 61 * MIN));
      h.processElement1(new StreamRecord<>(alert("fp", T0, true, "auto_analyze"), T0 + 62 * MIN));
      assertThat(transitions(h))
          .containsExactly(
              "fp@0 firing analysed", "fp@0 resolved", "fp@60 firing", "fp@0 resolved");
    }
  }

  @Test
  void aLaterAnomalyOfTheWindowRedoesTheAnalysisOfAFiringAlertOnly() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement1(new StreamRecord<>(alert("a", T0, true, "auto_analyze"), T0));
      h.processElement1(new StreamRecord<>(alert("m", T0, true, "manual"), T0));
      h.processElement2(
          new StreamRecord<>(ServiceEvidence.of(anomaly("in-window", T0 + 5 * MIN)), T0 + 5 * MIN));
      h.processElement2(
          new StreamRecord<>(
              ServiceEvidence.of(anomaly("too-late", T0 + 11 * MIN)), T0 + 11 * MIN));
      h.processElement1(new StreamRecord<>(alert("a", T0, false, "auto_analyze"), T0 + 20 * MIN));
      h.processElement2(
          new StreamRecord<>(
              ServiceEvidence.of(anomaly("after-resolution", T0 + MIN)), T0 + 21 * MIN));
      assertThat(transitions(h))
          .containsExactly(
              "a@0 firing analysed", "m@0 firing", "a@0 analysis analysed", "a@0 resolved");
      IncomingAlertRow redone = h.extractOutputValues().get(2);
      assertThat(redone.analysisJson()).contains("in-window").doesNotContain("too-late");
    }
  }

  @Test
  void anAnomalyArrivingTwiceIsOneEvidenceAndRedoesNothing() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processElement1(new StreamRecord<>(alert("a", T0, true, "auto_analyze"), T0));
      Anomaly once = anomaly("5f0e1c9a-0000-3000-8000-000000000001", T0 + 2 * MIN);
      h.processElement2(new StreamRecord<>(ServiceEvidence.of(once), T0 + 2 * MIN));
      // the job's own anomaly, back from the anomalies topic: the same id and content
      h.processElement2(new StreamRecord<>(ServiceEvidence.of(once), T0 + 3 * MIN));
      // the same id with a new score (a silence's row updated as it lasts) replaces it
      Anomaly updated =
          new Anomaly(
              once.id(),
              once.tenant(),
              once.source(),
              once.metric(),
              once.tags(),
              once.series(),
              once.timestamp(),
              once.value(),
              1.0,
              Severity.CRITICAL,
              once.modelAlgorithm(),
              once.modelVersion(),
              once.explanationJson());
      h.processElement2(new StreamRecord<>(ServiceEvidence.of(updated), T0 + 4 * MIN));
      assertThat(transitions(h))
          .containsExactly("a@0 firing analysed", "a@0 analysis analysed", "a@0 analysis analysed");
      String last = h.extractOutputValues().get(2).analysisJson();
      assertThat(last).contains("\"anomalies_found\":1").contains("\"score\":1.0");
    }
  }

  @Test
  void anAlertVigilRaisedOnTheServiceRedoesTheAnalysisAndIsListedApart() throws Exception {
    AlertTransition vigil =
        new AlertTransition(
            "5f0e1c9a-0000-3000-8000-0000000000aa",
            "fp-vigil",
            "rule-1",
            "latency above 300",
            "critical",
            AlertStatus.FIRING,
            "firing",
            true,
            "key",
            T0 + 3 * MIN,
            0,
            T0 + 3 * MIN,
            412.0,
            Map.of("tenant", "acme", "source", "checkout", "metric", "latency"),
            Map.of("summary", "latency above 300: latency gt 300.0 (value 412.0)"),
            List.of("hook"),
            "",
            0,
            0);
    try (var h = harness()) {
      h.open();
      h.processElement1(new StreamRecord<>(alert("a", T0, true, "auto_analyze"), T0));
      h.processElement2(new StreamRecord<>(ServiceEvidence.of(vigil), T0 + 3 * MIN));
      // the same alert again (a replay): one evidence, nothing redone
      h.processElement2(new StreamRecord<>(ServiceEvidence.of(vigil), T0 + 4 * MIN));
      assertThat(transitions(h)).containsExactly("a@0 firing analysed", "a@0 analysis analysed");
      String redone = h.extractOutputValues().get(1).analysisJson();
      assertThat(redone)
          .contains("\"anomalies_found\":0")
          .contains("\"vigil_alerts\":[{\"id\":\"5f0e1c9a-0000-3000-8000-0000000000aa\"")
          .contains("Vigil raised an alert on checkout 3 min after this one started");
    }
  }
}
