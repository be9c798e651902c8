package io.vigil.jobs.alerts.cep;

import static io.vigil.jobs.alerts.cep.CepHarness.ev;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

class ThresholdForPatternTest {
  static final long FOR = 30;

  CepHarness harness() throws Exception {
    return new CepHarness(ThresholdForPattern.create(Duration.ofHours(1)));
  }

  @Test
  void firesWhenTheBreachHeldExactlyTheDuration() throws Exception {
    try (var h = harness()) {
      h.send(ev(0, true, FOR, 1), ev(10, true, FOR, 1), ev(20, true, FOR, 1), ev(30, true, FOR, 1))
          .watermark(30);
      assertThat(h.fired()).containsExactly(30L);
    }
  }

  @Test
  void doesNotFireOneMillisecondShort() throws Exception {
    try (var h = harness()) {
      h.send(ev(0, true, FOR, 1), ev(15, true, FOR, 1), ev(29, true, FOR, 1)).watermark(100);
      assertThat(h.fired()).isEmpty();
    }
  }

  @Test
  void aSingleClearSampleRestartsTheDuration() throws Exception {
    try (var h = harness()) {
      h.send(
              ev(0, true, FOR, 1),
              ev(10, true, FOR, 1),
              ev(15, false, FOR, 1),
              ev(20, true, FOR, 1),
              ev(40, true, FOR, 1))
          .watermark(45);
      assertThat(h.fired()).isEmpty();
      h.send(ev(50, true, FOR, 1)).watermark(50);
      assertThat(h.fired()).containsExactly(50L);
    }
  }

  @Test
  void outOfOrderEventsWithinTheWatermarkAreSortedByEventTime() throws Exception {
    try (var h = harness()) {
      h.send(ev(20, true, FOR, 1), ev(0, true, FOR, 1), ev(30, true, FOR, 1), ev(10, true, FOR, 1))
          .watermark(30);
      assertThat(h.fired()).containsExactly(30L);
      assertThat(h.late()).isEmpty();
    }
  }

  @Test
  void aClearSampleArrivingOutOfOrderStillBreaksTheHold() throws Exception {
    try (var h = harness()) {
      h.send(ev(0, true, FOR, 1), ev(30, true, FOR, 1), ev(20, true, FOR, 1), ev(10, false, FOR, 1))
          .watermark(30);
      assertThat(h.fired()).isEmpty();
    }
  }

  @Test
  void eventsBehindTheWatermarkGoToTheLateOutput() throws Exception {
    try (var h = harness()) {
      h.watermark(100).send(ev(50, true, FOR, 1));
      assertThat(h.late()).containsExactly(50L);
      assertThat(h.fired()).isEmpty();
    }
  }

  @Test
  void partialMatchSurvivesSnapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.send(ev(0, true, FOR, 1), ev(10, true, FOR, 1)).watermark(10);
      snapshot = h.h.snapshot(1, 1);
    }
    try (var h2 = new RestoredHarness(snapshot).h) {
      h2.send(ev(20, true, FOR, 1), ev(30, true, FOR, 1)).watermark(30);
      assertThat(h2.fired()).containsExactly(30L);
    }
  }

  /** Builds a harness and restores the snapshot before opening. */
  static final class RestoredHarness {
    final CepHarness h;

    RestoredHarness(OperatorSubtaskState s) throws Exception {
      h = new CepHarness(ThresholdForPattern.create(Duration.ofHours(1)), s);
    }
  }
}
