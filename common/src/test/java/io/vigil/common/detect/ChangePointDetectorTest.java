package io.vigil.common.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChangePointDetectorTest {
  private final ChangePointDetector.Factory factory =
      new ChangePointDetector.Factory(ChangePointDetector.Params.defaults());

  @Test
  void smallSustainedShiftIsConfirmedOnceAndQuickly() {
    SeriesDetector d = factory.create();
    Random r = new Random(5);
    int confirmed = 0;
    int first = -1;
    for (int i = 0; i < 3000; i++) {
      // A 1.5 sigma shift: invisible point by point, obvious to a CUSUM.
      double v = 10 + r.nextGaussian() + (i >= 1500 ? 1.5 : 0);
      Score s = d.update(i * 1000L, v);
      if (!s.reason().isEmpty()) {
        confirmed++;
        first = first < 0 ? i : first;
      }
    }
    assertThat(confirmed).isEqualTo(1);
    assertThat(first).isBetween(1500, 1530);
  }

  @Test
  void noiseIsNotAShift() {
    SeriesDetector d = factory.create();
    Random r = new Random(6);
    double max = 0;
    for (int i = 0; i < 5000; i++) {
      max = Math.max(max, d.update(i * 1000L, 10 + r.nextGaussian()).score());
    }
    assertThat(max).isLessThan(0.5);
  }

  @Test
  void stateIsSmallAndRoundTrips() throws IOException {
    SeriesDetector d = factory.create();
    for (int i = 0; i < 100; i++) {
      d.update(i, i % 7);
    }
    assertThat(EnsembleDetectorTest.size(d)).isLessThanOrEqualTo(512);
    SeriesDetector copy = factory.restore(EnsembleDetectorTest.roundTrip(d));
    for (int i = 100; i < 200; i++) {
      assertThat(copy.update(i, i % 5)).isEqualTo(d.update(i, i % 5));
    }
  }
}
