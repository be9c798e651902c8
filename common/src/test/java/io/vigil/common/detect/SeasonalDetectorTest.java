package io.vigil.common.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeasonalDetectorTest {
  private static final long MINUTE = 60_000L;
  private final SeasonalDetector.Factory factory =
      new SeasonalDetector.Factory(SeasonalDetector.Params.defaults());

  private static SeasonalDetector feed(SeasonalDetector d, int n, long stepMinutes, Signal s) {
    Random r = new Random(11);
    for (int i = 0; i < n; i++) {
      long t = i * stepMinutes * MINUTE;
      d.update(t, s.at(t) + r.nextGaussian());
    }
    return d;
  }

  interface Signal {
    double at(long t);
  }

  @Test
  void findsADailyCycleFromTimestampsAlone() {
    Signal daily = t -> 50 + 20 * Math.sin(2 * Math.PI * t / 86_400_000.0);
    SeasonalDetector d = feed((SeasonalDetector) factory.create(), 288 * 6, 5, daily);
    assertThat(SeasonalBaseline.PERIOD_NAMES[d.activeCycle()]).isEqualTo("daily");
  }

  @Test
  void findsAWeeklyCycleWhenWeekendsDiffer() {
    // Hourly samples; weekdays high, weekends low, no daily shape: only the weekly cycle explains.
    Signal weekly = t -> (t / 86_400_000L) % 7 >= 5 ? 10 : 60;
    SeasonalDetector d = feed((SeasonalDetector) factory.create(), 24 * 7 * 5, 60, weekly);
    assertThat(SeasonalBaseline.PERIOD_NAMES[d.activeCycle()]).isEqualTo("weekly");
  }

  @Test
  void findsNoCycleInNoise() {
    SeasonalDetector d = feed((SeasonalDetector) factory.create(), 288 * 6, 5, t -> 50);
    assertThat(d.activeCycle()).isEqualTo(-1);
  }

  @Test
  void missedPeakScoresHigherThanAnyNormalDay() {
    Signal daily = t -> 50 + 20 * Math.sin(2 * Math.PI * t / 86_400_000.0);
    SeriesDetector d = factory.create();
    Random r = new Random(3);
    double normalMax = 0;
    double anomaly = 0;
    for (int i = 0; i < 288 * 8; i++) {
      long t = i * 5 * MINUTE;
      boolean broken = i / 288 == 7 && i % 288 > 60 && i % 288 < 80;
      double v = (broken ? 50 : daily.at(t)) + r.nextGaussian();
      double s = d.update(t, v).score();
      if (i >= 288 * 3 && i / 288 < 7) {
        normalMax = Math.max(normalMax, s);
      } else if (broken) {
        anomaly = Math.max(anomaly, s);
      }
    }
    assertThat(anomaly).isGreaterThan(0.5).isGreaterThan(2 * normalMax);
  }

  @Test
  void stateRoundTripAndSize() throws IOException {
    Signal daily = t -> 50 + 20 * Math.sin(2 * Math.PI * t / 86_400_000.0);
    SeriesDetector d = feed((SeasonalDetector) factory.create(), 288 * 4, 5, daily);
    SeriesDetector copy = factory.restore(EnsembleDetectorTest.roundTrip(d));
    for (int i = 288 * 4; i < 288 * 5; i++) {
      long t = i * 5 * MINUTE;
      assertThat(copy.update(t, daily.at(t))).isEqualTo(d.update(t, daily.at(t)));
    }
    assertThat(EnsembleDetectorTest.size(d)).isLessThanOrEqualTo(600);
  }
}
