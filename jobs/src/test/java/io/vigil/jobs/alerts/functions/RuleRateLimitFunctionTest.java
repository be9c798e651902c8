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

class RuleRateLimitFunctionTest {
  static final String RULES =
      """
      [{"id":"r1","name":"cpu high","version":1,"severity":"high","channels":["ops"],"for":0,
        "max_per_hour":2,"auto_resolve":100,"condition":{"kind":"threshold","op":"gt","value":90}},
       {"id":"r2","name":"disk full","version":1,"severity":"high","channels":["ops"],"for":0,
        "auto_resolve":100,"condition":{"kind":"threshold","op":"gt","value":95}}]
      """;
  static final long T0 = 1_700_000_000_000L;

  KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
      harness() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new RuleRateLimitFunction(AlertLifecycleFunctionTest.NO_READ),
            AlertTransition::ruleId,
            Types.STRING,
            ControlPlaneState.DESCRIPTOR);
    h.processBroadcastElement(new ControlSnapshot(0, RULES, "[]", "[]"), 0);
    return h;
  }

  static AlertTransition t(String rule, String alert, AlertStatus status, String what, long at) {
    return new AlertTransition(
        alert,
        "fp-" + alert,
        rule,
        rule,
        "high",
        status,
        what,
        true,
        alert + what,
        T0,
        status == AlertStatus.RESOLVED ? at : 0,
        at,
        95,
        Map.of("source", alert),
        Map.of(),
        List.of("ops"),
        "",
        0,
        0);
  }

  static List<String> notified(
      KeyedBroadcastOperatorTestHarness<String, AlertTransition, ControlSnapshot, AlertTransition>
          h) {
    return h.extractOutputValues().stream()
        .filter(AlertTransition::notifies)
        .map(x -> x.alertId() + ":" + x.transition())
        .toList();
  }

  @Test
  void aRuleNotifiesAtMostItsLimitPerSlidingHourAcrossAllItsAlerts() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(t("r1", "a", AlertStatus.FIRING, "firing", T0)));
      h.processElement(new StreamRecord<>(t("r1", "b", AlertStatus.FIRING, "firing", T0 + 10)));
      h.processElement(new StreamRecord<>(t("r1", "c", AlertStatus.FIRING, "firing", T0 + 20)));
      // another rule has its own (unlimited) budget
      h.processElement(new StreamRecord<>(t("r2", "d", AlertStatus.FIRING, "firing", T0 + 30)));
      // c never fired to the channels, so its resolve is not notified either
      h.processElement(new StreamRecord<>(t("r1", "c", AlertStatus.RESOLVED, "resolved", T0 + 40)));
      h.processElement(new StreamRecord<>(t("r1", "a", AlertStatus.RESOLVED, "resolved", T0 + 50)));
      // an hour after the first firing, the budget has room again
      h.processElement(
          new StreamRecord<>(t("r1", "e", AlertStatus.FIRING, "firing", T0 + 3_600_000)));

      assertThat(notified(h))
          .containsExactly("a:firing", "b:firing", "d:firing", "a:resolved", "e:firing");
      assertThat(h.extractOutputValues()).hasSize(7); // every transition is still published
      AlertTransition c = h.extractOutputValues().get(2);
      assertThat(c.notifies()).isFalse();
      assertThat(c.annotations()).containsKey("rate_limited");
    }
  }

  @Test
  void aWithheldAlertIsNotifiedByItsNextRepeatOnceTheBudgetAllows() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(t("r1", "a", AlertStatus.FIRING, "firing", T0)));
      h.processElement(new StreamRecord<>(t("r1", "b", AlertStatus.FIRING, "firing", T0 + 1)));
      h.processElement(new StreamRecord<>(t("r1", "c", AlertStatus.FIRING, "firing", T0 + 2)));
      h.processElement(
          new StreamRecord<>(t("r1", "c", AlertStatus.FIRING, "repeat-1", T0 + 3_600_000)));
      h.processElement(
          new StreamRecord<>(t("r1", "c", AlertStatus.RESOLVED, "resolved", T0 + 3_600_001)));
      assertThat(notified(h)).containsExactly("a:firing", "b:firing", "c:repeat-1", "c:resolved");
    }
  }
}
