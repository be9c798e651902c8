package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.alerts.ControlSnapshot;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class InhibitionFunctionTest {
  /** "node down" mutes the warnings of the same node. */
  static final String RULES =
      """
      [{"id":"i1","tenant":"acme","source":{"alertname":"node down"},
        "target":{"severity":"warning"},"equal":["node"]}]
      """;

  static final long T0 = 1_700_000_000_000L;

  KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
      harness(String rules) throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new InhibitionFunction(AlertLifecycleFunctionTest.NO_READ),
            InhibitionFunction::key,
            Types.STRING,
            ControlPlaneState.DESCRIPTOR);
    h.processBroadcastElement(new ControlSnapshot(0, "[]", "[]", "[]", "[]", rules), 0);
    h.processBroadcastWatermark(Long.MAX_VALUE); // the control plane never holds back time
    return h;
  }

  static AlertTransition t(String rule, String severity, String node, AlertStatus status) {
    String what = status == AlertStatus.RESOLVED ? "resolved" : "firing";
    String alert = rule + "/" + node;
    return new AlertTransition(
        alert,
        "fp-" + alert,
        rule,
        rule,
        severity,
        status,
        what,
        true,
        alert + "/" + what,
        T0,
        0,
        T0,
        1,
        Map.of("tenant", "acme", "node", node),
        Map.of(),
        List.of("ops"),
        "",
        0,
        0);
  }

  static AlertTransition nodeDown(String node, AlertStatus s) {
    return t("node down", "critical", node, s);
  }

  static AlertTransition latency(String node, AlertStatus s) {
    return t("latency high", "warning", node, s);
  }

  static List<String> notified(
      KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
          h) {
    return h.extractOutputValues().stream()
        .filter(AlertTransition::notifies)
        .map(x -> x.alertId() + ":" + x.transition())
        .toList();
  }

  static void send(
      KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
          h,
      AlertTransition t,
      long ts)
      throws Exception {
    h.processElement(new StreamRecord<>(t, ts));
  }

  @Test
  void aSourceFiringAtTheSameEventTimeMutesItsTargetsWhicheverArrivesFirst() throws Exception {
    try (var h = harness(RULES)) {
      // the target arrives first, as it may from another lifecycle subtask
      send(h, latency("n1", AlertStatus.FIRING), 100);
      send(h, latency("n2", AlertStatus.FIRING), 100);
      send(h, nodeDown("n1", AlertStatus.FIRING), 100);
      assertThat(h.extractOutputValues()).as("held until the watermark passes them").isEmpty();
      h.processWatermark(100);
      assertThat(notified(h))
          .containsExactly("node down/n1:firing", "latency high/n2:firing")
          .as("n2 is another node");
      AlertTransition muted =
          h.extractOutputValues().stream()
              .filter(x -> x.alertId().equals("latency high/n1"))
              .findFirst()
              .orElseThrow();
      assertThat(muted.notifies()).isFalse();
      assertThat(muted.annotations())
          .containsEntry(InhibitionFunction.INHIBITED_BY, "fp-node down/n1");
    }
  }

  @Test
  void aMutedAlertIsNotifiedWhenItsSourceResolvesAndItsOwnResolveThenToo() throws Exception {
    try (var h = harness(RULES)) {
      send(h, nodeDown("n1", AlertStatus.FIRING), 100);
      send(h, latency("n1", AlertStatus.FIRING), 100);
      h.processWatermark(100);
      assertThat(notified(h)).containsExactly("node down/n1:firing");
      send(h, nodeDown("n1", AlertStatus.RESOLVED), 200);
      h.processWatermark(200);
      assertThat(notified(h))
          .containsExactly(
              "node down/n1:firing", "node down/n1:resolved", "latency high/n1:firing");
      send(h, latency("n1", AlertStatus.RESOLVED), 300);
      h.processWatermark(300);
      assertThat(notified(h)).endsWith("latency high/n1:resolved");
    }
  }

  @Test
  void aMutedAlertThatEndsFirstIsNeverNotified() throws Exception {
    try (var h = harness(RULES)) {
      send(h, nodeDown("n1", AlertStatus.FIRING), 100);
      send(h, latency("n1", AlertStatus.FIRING), 100);
      send(h, latency("n1", AlertStatus.RESOLVED), 150);
      send(h, nodeDown("n1", AlertStatus.RESOLVED), 200);
      h.processWatermark(200);
      assertThat(notified(h)).containsExactly("node down/n1:firing", "node down/n1:resolved");
      assertThat(h.extractOutputValues()).hasSize(4);
    }
  }

  @Test
  void withoutRulesEveryTransitionGoesOnUnchangedAndTicksAreNotHeld() throws Exception {
    try (var h = harness("[]")) {
      send(h, latency("n1", AlertStatus.FIRING), 100);
      send(h, nodeDown("n1", AlertStatus.FIRING), 100);
      h.processWatermark(100);
      // a wall-clock tick (no event time) is handled at once
      h.processElement(new StreamRecord<>(latency("n1", AlertStatus.FIRING)));
      assertThat(notified(h))
          .containsExactly(
              "latency high/n1:firing", "node down/n1:firing", "latency high/n1:firing");
    }
  }

  @Test
  void aTickBehindAHeldTransitionOfTheSameAlertWaitsForIt() throws Exception {
    try (var h = harness(RULES)) {
      send(h, latency("n1", AlertStatus.FIRING), 100);
      h.processElement(new StreamRecord<>(latency("n1", AlertStatus.RESOLVED))); // no event time
      assertThat(h.extractOutputValues()).isEmpty();
      h.processWatermark(100);
      assertThat(notified(h)).containsExactly("latency high/n1:firing", "latency high/n1:resolved");
    }
  }

  @Test
  void waitingTransitionsSurviveARestore() throws Exception {
    org.apache.flink.runtime.checkpoint.OperatorSubtaskState snap;
    try (var h = harness(RULES)) {
      send(h, latency("n1", AlertStatus.FIRING), 100);
      send(h, nodeDown("n1", AlertStatus.FIRING), 100);
      snap = h.snapshot(1, 1);
    }
    try (var restored =
        new KeyedBroadcastOperatorTestHarness<>(
            new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                new InhibitionFunction(AlertLifecycleFunctionTest.NO_READ),
                List.of(ControlPlaneState.DESCRIPTOR)),
            InhibitionFunction::key,
            Types.STRING,
            1,
            1,
            0)) {
      restored.setup();
      restored.initializeState(snap);
      restored.open();
      restored.processBroadcastWatermark(Long.MAX_VALUE);
      restored.processWatermark(100);
      assertThat(notified(restored)).containsExactly("node down/n1:firing");
    }
  }
}
