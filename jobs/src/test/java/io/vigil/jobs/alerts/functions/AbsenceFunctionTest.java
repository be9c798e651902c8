package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.Signal;
import io.vigil.common.alerts.SignalType;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class AbsenceFunctionTest {
  static RuleEvent ev(long ts) {
    return new RuleEvent(
        "r1@1|fp",
        "fp",
        "r1",
        1,
        Route.ABSENCE,
        ts,
        1,
        true,
        "",
        100,
        1,
        Map.of("source", "s"),
        "",
        "");
  }

  KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Signal> harness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new AbsenceFunction(1_000), RuleEvent::groupKey, Types.STRING);
  }

  @Test
  void reportsSilenceEveryWindowAndClearsWhenDataReturns() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(ev(5_000), 5_000);
      h.setProcessingTime(99);
      assertThat(h.extractOutputValues()).isEmpty();
      h.setProcessingTime(100);
      h.setProcessingTime(200);
      h.processElement(ev(5_300), 5_300);
      assertThat(h.extractOutputValues().stream().map(Signal::type))
          .containsExactly(SignalType.FIRE, SignalType.FIRE, SignalType.CLEAR);
      assertThat(h.extractOutputValues().get(0).timestamp()).isEqualTo(5_100);
    }
  }

  @Test
  void dataInTimeNeverFires() throws Exception {
    try (var h = harness()) {
      for (long t = 0; t <= 500; t += 50) {
        h.setProcessingTime(t);
        h.processElement(ev(t), t);
      }
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
      // silence after the last point (500): absence exactly one window after it
      h.setProcessingTime(599);
      assertThat(h.extractOutputValues()).isEmpty();
      h.setProcessingTime(600);
      assertThat(h.extractOutputValues()).extracting(Signal::type).containsExactly(SignalType.FIRE);
      assertThat(h.extractOutputValues().get(0).timestamp()).isEqualTo(600);
      assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
    }
  }

  @Test
  void aKeySilentForTheRetentionIsForgotten() throws Exception {
    try (var h = harness()) {
      h.setProcessingTime(0);
      h.processElement(ev(0), 0);
      for (long t = 100; t <= 1_100; t += 100) {
        h.setProcessingTime(t);
      }
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numProcessingTimeTimers()).isZero();
    }
  }
}
