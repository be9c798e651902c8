package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.alerts.notify.NotificationRequest;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Alertmanager's pacing: group_wait for a new group, then at most one per group_interval. */
class NotificationGroupFunctionTest {
  static final String GROUP = "{\"rule\":\"r1\",\"labels\":{\"tenant\":\"acme\"}}";
  static final long WAIT = 5_000;
  static final long INTERVAL = 60_000;

  static NotificationRequest firing(String source, long at) {
    AlertTransition t =
        new AlertTransition(
            "id-" + source,
            "fp-" + source,
            "r1",
            "disk full",
            "high",
            AlertStatus.FIRING,
            "firing",
            true,
            "key-" + source + "-" + at,
            at,
            0,
            at,
            99,
            Map.of("tenant", "acme", "source", source),
            Map.of("summary", "disk full"),
            List.of("hook"),
            GROUP,
            WAIT,
            INTERVAL);
    return new NotificationRequest("hook", t, List.of());
  }

  static KeyedOneInputStreamOperatorTestHarness<String, NotificationRequest, NotificationRequest>
      harness() throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new NotificationGroupFunction()),
            NotificationGroupFunction::key,
            Types.STRING);
    return h;
  }

  static List<List<String>> sent(
      KeyedOneInputStreamOperatorTestHarness<String, NotificationRequest, NotificationRequest> h) {
    return h.extractOutputValues().stream()
        .map(r -> r.members().stream().map(m -> m.labels().get("source")).toList())
        .toList();
  }

  @Test
  void alertsThatFireTogetherAreOneNotificationAndLaterOnesWaitForTheInterval() throws Exception {
    try (var h = harness()) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(firing("web-1", 0), 0);
      h.setProcessingTime(1_000);
      h.processElement(firing("web-2", 1_000), 1_000);
      h.setProcessingTime(2_000);
      h.processElement(firing("web-3", 2_000), 2_000);
      h.setProcessingTime(WAIT - 1);
      assertThat(h.extractOutputValues()).as("group_wait not over").isEmpty();
      h.setProcessingTime(WAIT);
      assertThat(sent(h)).containsExactly(List.of("web-1", "web-2", "web-3"));
      assertThat(h.extractOutputValues().get(0).channel()).isEqualTo("hook");

      h.setProcessingTime(6_000);
      h.processElement(firing("web-4", 6_000), 6_000);
      h.setProcessingTime(WAIT + INTERVAL - 1);
      assertThat(sent(h)).as("group_interval since the last notification").hasSize(1);
      h.setProcessingTime(WAIT + INTERVAL);
      assertThat(sent(h)).containsExactly(List.of("web-1", "web-2", "web-3"), List.of("web-4"));

      // an interval without news forgets the group: state and timers gone
      h.setProcessingTime(WAIT + 2 * INTERVAL);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numProcessingTimeTimers()).isZero();
      // and the next alert is a new group: it waits group_wait again
      h.setProcessingTime(500_000);
      h.processElement(firing("web-5", 500_000), 500_000);
      h.setProcessingTime(500_000 + WAIT - 1);
      assertThat(sent(h)).hasSize(2);
      h.setProcessingTime(500_000 + WAIT);
      assertThat(sent(h)).hasSize(3).last().isEqualTo(List.of("web-5"));
    }
  }

  @Test
  void membersWaitingAtACheckpointAreSentAfterTheRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(firing("web-1", 0), 0);
      h.processElement(firing("web-2", 10), 10);
      snapshot = h.snapshot(1, 100);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      h.setProcessingTime(WAIT);
      assertThat(sent(h)).containsExactly(List.of("web-1", "web-2"));
    }
  }
}
