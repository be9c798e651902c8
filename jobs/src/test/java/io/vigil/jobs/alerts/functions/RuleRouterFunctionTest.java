package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.alerts.Signal;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.rules.Route;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The router and the first snapshot: a job started on a backlog routes points before the
 * control-plane source's first poll reaches it (found by UpgradeFromSavepointITCase, whose
 * uninterrupted run once opened two alerts 16 and 7 minutes late because the router had dropped the
 * first breaching points as if there were no rules).
 */
class RuleRouterFunctionTest {
  static final String RULES =
      """
      [{"id":"r1","name":"cpu high","tenant":"acme","version":1,"severity":"high",
        "channels":[],"for":300000,"scope":{"metric":"cpu"},
        "condition":{"kind":"threshold","op":"gt","value":90}}]
      """;

  static MetricPoint cpu(long ts, double value) {
    return new MetricPoint("acme", "web", "cpu", Map.of("host", "h1"), ts, value);
  }

  static BroadcastOperatorTestHarness<MetricPoint, ControlSnapshot, Signal> harness(
      ControlBootstrap bootstrap) throws Exception {
    return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
        new RuleRouterFunction<MetricPoint>(3_600_000, bootstrap), ControlPlaneState.DESCRIPTOR);
  }

  /** The hit flags of the events routed to the held-for threshold evaluator. */
  static List<Boolean> routed(
      BroadcastOperatorTestHarness<MetricPoint, ControlSnapshot, Signal> h) {
    var q = h.getSideOutput(RuleRouterFunction.ROUTES.get(Route.THRESHOLD_FOR));
    return q == null ? List.of() : q.stream().map(r -> r.getValue().hit()).toList();
  }

  @Test
  void pointsBeforeTheFirstSnapshotAreRoutedByTheRulesReadDirectly() throws Exception {
    int[] reads = {0};
    ControlBootstrap bootstrap =
        () -> {
          reads[0]++;
          return new ControlSnapshot(0, RULES, "[]", "[]");
        };
    try (var h = harness(bootstrap)) {
      h.processElement(new StreamRecord<>(cpu(1_000, 95), 1_000));
      h.processElement(new StreamRecord<>(cpu(2_000, 50), 2_000));
      assertThat(routed(h)).containsExactly(true, false);
      assertThat(h.extractOutputValues())
          .as("no signals: ThresholdChangeFunction sends them")
          .isEmpty();
      assertThat(reads[0]).as("one read per task, not per element").isEqualTo(1);

      // The first broadcast snapshot takes over: here the rule was deleted in the meantime.
      h.processBroadcastElement(new ControlSnapshot(5, "[]", "[]", "[]"), 5);
      h.processElement(new StreamRecord<>(cpu(3_000, 95), 3_000));
      assertThat(routed(h)).hasSize(2);
      assertThat(reads[0]).isEqualTo(1);
    }
  }

  @Test
  void aBroadcastSnapshotNeedsNoRead() throws Exception {
    try (var h = harness(AlertLifecycleFunctionTest.NO_READ)) {
      h.processBroadcastElement(new ControlSnapshot(5, RULES, "[]", "[]"), 5);
      h.processElement(new StreamRecord<>(cpu(1_000, 95), 1_000));
      assertThat(routed(h)).containsExactly(true);
    }
  }

  @Test
  void aPollThatCouldNotReadTheDatabaseLeavesTheRulesAsTheyWere() throws Exception {
    try (var h = harness(AlertLifecycleFunctionTest.NO_READ)) {
      h.processBroadcastElement(new ControlSnapshot(5, RULES, "[]", "[]"), 5);
      h.processBroadcastElement(
          io.vigil.jobs.alerts.source.ControlPlanePoller.UNKNOWN, 6); // a restart, database away
      h.processElement(new StreamRecord<>(cpu(1_000, 95), 1_000));
      assertThat(routed(h)).containsExactly(true);
    }
  }

  @Test
  void aControlPlaneThatCannotBeReadFailsTheTaskInsteadOfDroppingThePoint() throws Exception {
    ControlBootstrap down =
        () -> {
          throw new IllegalStateException("could not read the alert rules: connection refused");
        };
    try (var h = harness(down)) {
      assertThatThrownBy(() -> h.processElement(new StreamRecord<>(cpu(1_000, 95), 1_000)))
          .hasMessageContaining("could not read the alert rules");
    }
  }
}
