package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.alerts.ControlSnapshot;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class InhibitionFunctionTest {
  /** "node down" mutes the warnings of the same node; a target waits 1 s for its source. */
  static final String RULES =
      """
      [{"id":"i1","tenant":"acme","source":{"alertname":"node down"},
        "target":{"severity":"warning"},"equal":["node"],"wait":1000}]
      """;

  static final long T0 = 1_700_000_000_000L;

  static KeyedBroadcastOperatorTestHarness<
          String, AlertTransition, ControlSnapshot, AlertTransition>
      harness(String rules, boolean bounded) throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new InhibitionFunction(AlertLifecycleFunctionTest.NO_READ, bounded),
            InhibitionFunction::key,
            Types.STRING,
            ControlPlaneState.DESCRIPTOR);
    h.processBroadcastElement(new ControlSnapshot(0, "[]", "[]", "[]", "[]", rules), 0);
    h.setProcessingTime(0);
    return h;
  }

  static AlertTransition t(String rule, String severity, String node, String what) {
    AlertStatus status =
        switch (what) {
          case "resolved" -> AlertStatus.RESOLVED;
          case "acknowledged" -> AlertStatus.ACKNOWLEDGED;
          default -> AlertStatus.FIRING;
        };
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

  static AlertTransition nodeDown(String node, String what) {
    return t("node down", "critical", node, what);
  }

  static AlertTransition latency(String node, String what) {
    return t("latency high", "warning", node, what);
  }

  static List<String> notified(
      KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
          h) {
    return h.extractOutputValues().stream()
        .filter(AlertTransition::notifies)
        .map(x -> x.alertId() + ":" + x.transition())
        .toList();
  }

  /** Keyed state entries left (what the one-input keyed harness's numKeyedStateEntries counts). */
  static int keyedStateEntries(
      KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
          h) {
    var backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
    return ((HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
  }

  static void send(
      KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
          h,
      AlertTransition... ts)
      throws Exception {
    for (AlertTransition t : ts) {
      h.processElement(new StreamRecord<>(t));
    }
  }

  @Test
  void aSourceFiringWithinTheWaitMutesItsTargetsWhicheverArrivesFirst() throws Exception {
    try (var h = harness(RULES, false)) {
      // the targets arrive first, as they may from other lifecycle subtasks
      send(h, latency("n1", "firing"), latency("n2", "firing"));
      assertThat(h.extractOutputValues()).as("targets wait for their source").isEmpty();
      h.setProcessingTime(500);
      send(h, nodeDown("n1", "firing"));
      assertThat(notified(h)).containsExactly("node down/n1:firing");
      h.setProcessingTime(1_000);
      assertThat(notified(h))
          .as("n2 is another node")
          .containsExactly("node down/n1:firing", "latency high/n2:firing");
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
    try (var h = harness(RULES, false)) {
      send(h, nodeDown("n1", "firing"), latency("n1", "firing"));
      h.setProcessingTime(1_000);
      send(h, latency("n1", "repeat-1"));
      assertThat(notified(h)).as("a repeat is muted too").containsExactly("node down/n1:firing");
      send(h, nodeDown("n1", "resolved"));
      assertThat(notified(h))
          .containsExactly(
              "node down/n1:firing", "node down/n1:resolved", "latency high/n1:firing");
      send(h, latency("n1", "resolved"));
      assertThat(notified(h)).endsWith("latency high/n1:resolved");
      assertThat(keyedStateEntries(h)).as("nothing kept once both ended").isZero();
    }
  }

  @Test
  void aMutedAlertThatEndsFirstIsNeverNotified() throws Exception {
    try (var h = harness(RULES, false)) {
      send(h, nodeDown("n1", "firing"), latency("n1", "firing"), latency("n1", "resolved"));
      h.setProcessingTime(1_000);
      send(h, nodeDown("n1", "resolved"));
      assertThat(notified(h)).containsExactly("node down/n1:firing", "node down/n1:resolved");
      assertThat(h.extractOutputValues())
          .extracting(AlertTransition::transition)
          .containsExactly("firing", "firing", "resolved", "resolved");
    }
  }

  @Test
  void anAlertNotifiedBeforeItsSourceFiredHasItsResolveNotifiedEvenWhileMuted() throws Exception {
    try (var h = harness(RULES, false)) {
      send(h, latency("n1", "firing"));
      h.setProcessingTime(1_000); // no source within the wait: people are told
      send(h, nodeDown("n1", "firing"), latency("n1", "repeat-1"));
      assertThat(notified(h))
          .as("the source mutes the target's repeats")
          .containsExactly("latency high/n1:firing", "node down/n1:firing");
      send(h, latency("n1", "acknowledged"));
      assertThat(notified(h))
          .as("its acknowledgement goes through (it stops a PagerDuty escalation)")
          .endsWith("latency high/n1:acknowledged");
      send(h, latency("n1", "resolved"));
      assertThat(notified(h))
          .as("but not the end of what people were paged for (else it stays open for them)")
          .endsWith("latency high/n1:resolved");
      send(h, nodeDown("n1", "resolved"));
      assertThat(notified(h))
          .containsExactly(
              "latency high/n1:firing",
              "node down/n1:firing",
              "latency high/n1:acknowledged",
              "latency high/n1:resolved",
              "node down/n1:resolved");
      assertThat(keyedStateEntries(h)).as("nothing kept once both ended").isZero();
    }
  }

  @Test
  void aTransitionWaitsBehindItsAlertsWaitingFiring() throws Exception {
    try (var h = harness(RULES, false)) {
      send(h, latency("n1", "firing"), latency("n1", "resolved"));
      assertThat(h.extractOutputValues()).isEmpty();
      h.setProcessingTime(1_000);
      assertThat(notified(h)).containsExactly("latency high/n1:firing", "latency high/n1:resolved");
    }
  }

  @Test
  void withoutRulesOrInABoundedRunNothingWaits() throws Exception {
    try (var h = harness("[]", false)) {
      send(h, latency("n1", "firing"), nodeDown("n1", "firing"));
      assertThat(notified(h)).containsExactly("latency high/n1:firing", "node down/n1:firing");
    }
    try (var h = harness(RULES, true)) {
      send(h, nodeDown("n1", "firing"), latency("n1", "firing"), latency("n2", "firing"));
      assertThat(notified(h)).containsExactly("node down/n1:firing", "latency high/n2:firing");
    }
  }

  @Test
  void waitingTransitionsSurviveARestore() throws Exception {
    OperatorSubtaskState snap;
    try (var h = harness(RULES, false)) {
      send(h, latency("n1", "firing"), nodeDown("n1", "firing"));
      snap = h.snapshot(1, 1);
    }
    try (var restored =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new InhibitionFunction(AlertLifecycleFunctionTest.NO_READ, false),
                List.of(ControlPlaneState.DESCRIPTOR)),
            InhibitionFunction::key,
            Types.STRING,
            1,
            1,
            0)) {
      restored.setup();
      restored.initializeState(snap);
      restored.open();
      restored.setProcessingTime(1_000);
      assertThat(restored.extractOutputValues())
          .extracting(x -> x.alertId() + ":" + x.notifies())
          .containsExactly("latency high/n1:false");
    }
  }
}
