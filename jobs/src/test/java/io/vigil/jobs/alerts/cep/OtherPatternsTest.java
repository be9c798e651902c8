package io.vigil.jobs.alerts.cep;

import static io.vigil.jobs.alerts.cep.CepHarness.ev;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.alerts.functions.FlappingChangeFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Single hit, k anomalies within T, A-then-B sequence and flapping, on the real CEP operator. */
class OtherPatternsTest {
  static final Duration MAX = Duration.ofHours(1);

  @Test
  void singleHitFiresOnEveryQualifyingEventOnly() throws Exception {
    try (var h = new CepHarness(SingleHitPattern.create())) {
      h.send(ev(0, false, 0, 1), ev(10, true, 0, 1), ev(20, false, 0, 1), ev(30, true, 0, 1))
          .watermark(30);
      assertThat(h.fired()).containsExactly(10L, 30L);
    }
  }

  @Test
  void anomalyCountFiresOnTheKthWithinTheWindow() throws Exception {
    try (var h = new CepHarness(AnomalyCountPattern.create(MAX))) {
      h.send(ev(0, true, 60, 3), ev(10, true, 60, 3), ev(60, true, 60, 3)).watermark(60);
      assertThat(h.fired()).containsExactly(60L);
    }
  }

  @Test
  void anomalyCountIgnoresAnomaliesSpreadWiderThanTheWindow() throws Exception {
    try (var h = new CepHarness(AnomalyCountPattern.create(MAX))) {
      h.send(ev(0, true, 60, 3), ev(50, true, 60, 3), ev(61, true, 60, 3)).watermark(100);
      assertThat(h.fired()).isEmpty();
      h.send(ev(105, true, 60, 3)).watermark(105); // 50, 61, 105: within 55 ms
      assertThat(h.fired()).containsExactly(105L);
    }
  }

  @Test
  void anomalyCountNeedsFreshAnomaliesAfterAMatch() throws Exception {
    try (var h = new CepHarness(AnomalyCountPattern.create(MAX))) {
      h.send(ev(0, true, 60, 2), ev(1, true, 60, 2), ev(2, true, 60, 2), ev(3, true, 60, 2))
          .watermark(10);
      assertThat(h.fired()).containsExactly(1L, 3L);
    }
  }

  @Test
  void anAbandonedAnomalyRunDoesNotHoldBackALaterMatch() throws Exception {
    try (var h = new CepHarness(AnomalyCountPattern.create(MAX))) {
      h.send(ev(0, true, 60, 2), ev(1_000, true, 60, 2), ev(1_010, true, 60, 2)).watermark(1_010);
      assertThat(h.fired()).containsExactly(1_010L);
    }
  }

  @Test
  void anUnansweredAIsNotBlockingALaterSequence() throws Exception {
    try (var h = new CepHarness(SequencePattern.create(MAX))) {
      h.send(ev(0, true, 60, 2, "A"), ev(1_000, true, 60, 2, "A"), ev(1_010, true, 60, 2, "B"))
          .watermark(1_010);
      assertThat(h.fired()).containsExactly(1_010L);
    }
  }

  @Test
  void sequenceToleratesMoreAsBeforeB() throws Exception {
    try (var h = new CepHarness(SequencePattern.create(MAX))) {
      h.send(ev(0, true, 60, 2, "A"), ev(10, true, 60, 2, "A"), ev(20, true, 60, 2, "B"))
          .watermark(20);
      assertThat(h.fired()).containsExactly(20L);
    }
  }

  @Test
  void sequenceFiresWhenBFollowsAWithinTheWindow() throws Exception {
    try (var h = new CepHarness(SequencePattern.create(MAX))) {
      h.send(ev(0, true, 60, 2, "A"), ev(30, true, 60, 2, "B")).watermark(30);
      assertThat(h.fired()).containsExactly(30L);
    }
  }

  @Test
  void sequenceDoesNotFireForBTooLateOrBBeforeA() throws Exception {
    try (var h = new CepHarness(SequencePattern.create(MAX))) {
      h.send(ev(0, true, 60, 2, "B"), ev(10, true, 60, 2, "A"), ev(71, true, 60, 2, "B"))
          .watermark(100);
      assertThat(h.fired()).isEmpty();
    }
  }

  @Test
  void sequenceOrderIsByEventTimeNotArrival() throws Exception {
    try (var h = new CepHarness(SequencePattern.create(MAX))) {
      h.send(ev(30, true, 60, 2, "B"), ev(0, true, 60, 2, "A")).watermark(30);
      assertThat(h.fired()).containsExactly(30L);
    }
  }

  @Test
  void flappingFiresOnceChangesExceedN() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      // n = 2, the changes the filter forwards: true at 10, false at 20, true at 30
      h.send(ev(10, true, 100, 2), ev(20, false, 100, 2)).watermark(25);
      assertThat(h.fired()).isEmpty();
      h.send(ev(30, true, 100, 2)).watermark(30);
      assertThat(h.fired()).containsExactly(30L);
    }
  }

  @Test
  void flappingCountsARepeatedFlagInARunOnce() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      // a repeat (from a partial match restored from a version that sent every point) adds nothing
      h.send(ev(10, true, 100, 2), ev(15, true, 100, 2), ev(20, false, 100, 2)).watermark(25);
      assertThat(h.fired()).isEmpty();
      h.send(ev(30, true, 100, 2)).watermark(30);
      assertThat(h.fired()).containsExactly(30L);
    }
  }

  @Test
  void anOldLoneChangeDoesNotHoldBackLaterFlapping() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      h.send(ev(0, true, 100, 1));
      h.send(ev(1_000, false, 100, 1), ev(1_020, true, 100, 1)).watermark(1_020);
      assertThat(h.fired()).containsExactly(1_020L);
    }
  }

  @Test
  void flappingOutsideTheWindowDoesNotCount() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      h.send(ev(10, true, 15, 2), ev(20, false, 15, 2), ev(30, true, 15, 2)).watermark(40);
      assertThat(h.fired()).isEmpty();
    }
  }

  /**
   * Every point of random flapping series through the change filter and the real CEP operator: the
   * alerts fire at the changes where more than n changes (each dated by the first point that shows
   * it) lie within T, the whole sequence's verdicts.
   */
  @Test
  void theChangeFilterAndThePatternFireWhereTheWholeSequenceFlaps() throws Exception {
    long step = 10_000;
    int fires = 0;
    for (int seed = 1; seed <= 30; seed++) {
      Random r = new Random(seed);
      int n = 300;
      boolean[] hits = new boolean[n];
      boolean hit = false;
      List<Long> changes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (r.nextDouble() < (i % 100 < 20 ? 0.5 : 0.03)) {
          hit = !hit;
        }
        hits[i] = hit;
        if (i > 0 && hits[i] != hits[i - 1]) {
          changes.add(i * step);
        }
      }
      int count = 1 + seed % 4;
      long windowMs = (5 + seed % 10) * step;
      try (var filter =
              ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                  new FlappingChangeFunction(86_400_000L), RuleEvent::groupKey, Types.STRING);
          var cep = new CepHarness(FlappingPattern.create(MAX))) {
        for (int i = 0; i < n; i++) {
          filter.processElement(new StreamRecord<>(ev(i * step, hits[i], windowMs, count)));
          filter.processWatermark(i * step - 5_000);
        }
        cep.send(filter.extractOutputValues().toArray(RuleEvent[]::new)).watermark(n * step);
        List<Long> expected = flaps(changes, count, windowMs);
        assertThat(cep.fired()).as("seed %d", seed).isEqualTo(expected);
        fires += expected.size();
      }
    }
    assertThat(fires).as("the series do flap").isGreaterThan(30);
  }

  /** More than {@code count} changes within {@code windowMs}, skip past the last event. */
  static List<Long> flaps(List<Long> changes, int count, long windowMs) {
    List<Long> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < changes.size(); i++) {
      while (changes.get(i) - changes.get(start) > windowMs) {
        start++;
      }
      if (i - start + 1 == count + 1) {
        out.add(changes.get(i));
        start = i + 1;
      }
    }
    return out;
  }
}
