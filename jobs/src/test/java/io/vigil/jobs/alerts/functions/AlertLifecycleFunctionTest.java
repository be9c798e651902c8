package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.Signal;
import io.vigil.common.alerts.SignalType;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class AlertLifecycleFunctionTest {
  static final String RULES =
      """
      [{"id":"r1","name":"cpu high","version":1,"severity":"high","channels":["ops"],"for":0,
        "auto_resolve":100,"condition":{"kind":"threshold","op":"gt","value":90}}]
      """;
  static final Map<String, String> LABELS = Map.of("tenant", "acme", "source", "web-1");

  /** A bootstrap for operators that have a snapshot (broadcast or restored): never read. */
  static final ControlBootstrap NO_READ =
      () -> {
        throw new AssertionError("the control plane was read although a snapshot was there");
      };

  KeyedBroadcastOperatorTestHarness<String, Signal, ControlSnapshot, AlertTransition> harness()
      throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new AlertLifecycleFunction(10, 10_000, NO_READ),
            Signal::fingerprint,
            Types.STRING,
            ControlPlaneState.DESCRIPTOR);
    h.processBroadcastElement(new ControlSnapshot(0, RULES, "[]", "[]"), 0);
    h.processBroadcastWatermark(Long.MAX_VALUE); // the control plane never holds back time
    return h;
  }

  static long alertKeys(
      KeyedBroadcastOperatorTestHarness<String, Signal, ControlSnapshot, AlertTransition> h) {
    var op = (AbstractStreamOperator<?>) h.getTwoInputOperator();
    return op.getKeyedStateBackend().getKeys("alert", VoidNamespace.INSTANCE).count();
  }

  static Signal sig(SignalType type, long ts, long version) {
    return new Signal("fp1", "r1", version, type, ts, 95, LABELS, "", "");
  }

  static List<String> transitions(
      KeyedBroadcastOperatorTestHarness<String, Signal, ControlSnapshot, AlertTransition> h) {
    return h.extractOutputValues().stream().map(AlertTransition::transition).toList();
  }

  @Test
  void firesResolvesAndLeavesNoStateOrTimers() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(1_000); // wall-clock times are epoch millis: 0 means "unset" in state
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 1), 1_000));
      assertThat(transitions(h)).isEmpty(); // buffered until the watermark passes it
      h.processElement(new StreamRecord<>(sig(SignalType.CLEAR, 1_010, 1), 1_010));
      h.processWatermark(1_100);
      assertThat(alertKeys(h)).isEqualTo(1);
      h.setProcessingTime(1_050);
      assertThat(transitions(h)).containsExactly("firing");
      h.processWatermark(1_110); // clear at 1_010 + auto-resolve 100
      h.setProcessingTime(1_200);
      assertThat(transitions(h)).containsExactly("firing", "resolved");
      AlertTransition resolved = h.extractOutputValues().get(1);
      assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
      assertThat(resolved.endsAt()).isEqualTo(1_110);
      h.setProcessingTime(1_300);
      assertThat(alertKeys(h)).isZero();
      assertThat(h.numProcessingTimeTimers()).isZero();
    }
  }

  @Test
  void signalsOfAnOlderRuleVersionAreDropped() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 0), 1_000));
      h.processWatermark(2_000);
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(alertKeys(h)).isZero();
    }
  }

  @Test
  void acknowledgementFromTheControlPlaneIsAppliedOnTheNextTick() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 1), 1_000));
      h.processWatermark(1_000);
      h.processBroadcastElement(
          new ControlSnapshot(5, RULES, "[]", "[{\"fingerprint\":\"fp1\",\"acked_at\":5}]"), 5);
      h.setProcessingTime(10);
      assertThat(transitions(h)).containsExactly("firing", "acknowledged");
    }
  }

  @Test
  void signalsApplyInEventTimeOrderWhateverTheirArrivalOrder() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(1_000);
      // A fast replay: the router's CLEAR arrives before CEP's FIRE for an earlier instant.
      h.processElement(new StreamRecord<>(sig(SignalType.CLEAR, 1_400, 1), 1_400));
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_200, 1), 1_200));
      h.processWatermark(1_500);
      h.setProcessingTime(1_010); // the tick: clear since 1_400 + auto-resolve 100 <= watermark
      assertThat(transitions(h)).containsExactly("firing", "resolved");
      assertThat(h.extractOutputValues().get(0).startsAt()).isEqualTo(1_200);
    }
  }

  @Test
  void disablingTheRuleResolvesItsOpenAlert() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 1), 1_000));
      h.processWatermark(1_000);
      h.processBroadcastElement(new ControlSnapshot(5, "[]", "[]", "[]"), 5);
      h.setProcessingTime(10);
      assertThat(transitions(h)).containsExactly("firing", "resolved");
      h.setProcessingTime(20);
      assertThat(alertKeys(h)).isZero();
      assertThat(h.numProcessingTimeTimers()).isZero();
    }
  }

  @Test
  void theWatermarkAloneAutoResolvesWithoutAWallClockTick() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(1_000);
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 1), 1_000));
      h.processElement(new StreamRecord<>(sig(SignalType.CLEAR, 1_010, 1), 1_010));
      h.processWatermark(1_109);
      assertThat(transitions(h)).containsExactly("firing");
      h.processWatermark(1_110); // clear at 1_010 + auto-resolve 100; processing time stands still
      assertThat(transitions(h)).containsExactly("firing", "resolved");
      assertThat(h.extractOutputValues().get(1).endsAt()).isEqualTo(1_110);
    }
  }

  @Test
  void theEndOfABoundedInputResolvesInEventTimeOrder() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(1_000);
      // Cleared at 1_010, hit again at 1_050 (before the auto-resolve at 1_110), cleared at 1_300:
      // one episode, resolved at 1_400, even though the watermark jumps straight to the end.
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 1), 1_000));
      h.processElement(new StreamRecord<>(sig(SignalType.CLEAR, 1_010, 1), 1_010));
      h.processElement(new StreamRecord<>(sig(SignalType.HIT, 1_050, 1), 1_050));
      h.processElement(new StreamRecord<>(sig(SignalType.CLEAR, 1_300, 1), 1_300));
      h.processWatermark(Long.MAX_VALUE);
      assertThat(transitions(h)).containsExactly("firing", "resolved");
      assertThat(h.extractOutputValues().get(1).endsAt()).isEqualTo(1_400);
    }
  }

  @Test
  void anAlertRestoredAfterALongStopIsNotStaleUntilItWasSilentWhileRunning() throws Exception {
    // Stale ("no data") counts processing time since the last signal: across a stop (savepoint,
    // upgrade, restore hours later) it must count only the time the job ran again, or every open
    // alert resolves on the first tick after the restore and re-opens as a new episode.
    org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.setProcessingTime(1_000);
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 1), 1_000));
      h.processWatermark(1_000);
      h.setProcessingTime(1_010);
      assertThat(transitions(h)).containsExactly("firing");
      snapshot = h.snapshot(1, 1_010);
    }
    try (var h =
        new KeyedBroadcastOperatorTestHarness<>(
            new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                new AlertLifecycleFunction(10, 10_000, NO_READ),
                List.of(ControlPlaneState.DESCRIPTOR)),
            Signal::fingerprint,
            Types.STRING,
            1,
            1,
            0)) {
      h.setup();
      h.initializeState(snapshot);
      h.open();
      h.setProcessingTime(1_000_000); // restored long after the stop: the tick fires at once
      h.setProcessingTime(1_000_000 + 9_990);
      assertThat(transitions(h)).as("not stale within 10 s of running").isEmpty();
      h.setProcessingTime(1_000_000 + 10_010);
      assertThat(transitions(h)).containsExactly("resolved"); // silent 10 s while running
      assertThat(h.extractOutputValues().get(0).annotations())
          .containsEntry("resolve_reason", "no data");
    }
  }

  @Test
  void aSignalBeforeTheFirstSnapshotIsJudgedByTheRulesReadDirectly() throws Exception {
    int[] reads = {0};
    ControlBootstrap bootstrap =
        () -> {
          reads[0]++;
          return new ControlSnapshot(0, RULES, "[]", "[]");
        };
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new AlertLifecycleFunction(10, 10_000, bootstrap),
            Signal::fingerprint,
            Types.STRING,
            ControlPlaneState.DESCRIPTOR)) {
      h.processBroadcastWatermark(Long.MAX_VALUE); // idle, and no snapshot yet
      h.setProcessingTime(1_000);
      h.processElement(new StreamRecord<>(sig(SignalType.FIRE, 1_000, 1), 1_000));
      h.processElement(new StreamRecord<>(sig(SignalType.CLEAR, 1_010, 1), 1_010));
      h.processWatermark(1_050);
      h.setProcessingTime(1_010);
      assertThat(transitions(h)).containsExactly("firing");
      assertThat(h.extractOutputValues().get(0).ruleName()).isEqualTo("cpu high");
      h.processWatermark(1_110); // the rule's auto-resolve, 100 after the clear
      h.setProcessingTime(1_020);
      assertThat(transitions(h)).containsExactly("firing", "resolved");
      assertThat(reads[0]).as("one read per task, not per element").isEqualTo(1);
    }
  }
}
