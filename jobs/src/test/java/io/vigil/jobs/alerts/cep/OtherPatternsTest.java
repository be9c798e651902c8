package io.vigil.jobs.alerts.cep;

import static io.vigil.jobs.alerts.cep.CepHarness.ev;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
  void flappingFiresOnceTogglesExceedN() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      // n = 2: baseline false, then true, false, true = 3 toggles
      h.send(ev(0, false, 100, 2), ev(10, true, 100, 2), ev(20, false, 100, 2)).watermark(25);
      assertThat(h.fired()).isEmpty();
      h.send(ev(30, true, 100, 2)).watermark(30);
      assertThat(h.fired()).containsExactly(30L);
    }
  }

  @Test
  void flappingIgnoresRepeatsOfTheSameState() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      h.send(
              ev(0, false, 100, 2),
              ev(5, false, 100, 2),
              ev(10, true, 100, 2),
              ev(15, true, 100, 2),
              ev(20, false, 100, 2),
              ev(25, false, 100, 2))
          .watermark(50);
      assertThat(h.fired()).isEmpty();
    }
  }

  @Test
  void anOldCalmRunDoesNotHoldBackLaterFlapping() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      h.send(ev(0, false, 100, 1), ev(10, false, 100, 1));
      h.send(ev(1_000, true, 100, 1), ev(1_010, false, 100, 1), ev(1_020, true, 100, 1))
          .watermark(1_020);
      assertThat(h.fired()).containsExactly(1_020L);
    }
  }

  @Test
  void flappingOutsideTheWindowDoesNotCount() throws Exception {
    try (var h = new CepHarness(FlappingPattern.create(MAX))) {
      h.send(ev(0, false, 25, 2), ev(10, true, 25, 2), ev(20, false, 25, 2), ev(30, true, 25, 2))
          .watermark(40);
      assertThat(h.fired()).isEmpty();
    }
  }
}
