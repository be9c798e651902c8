package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogWindowScorerTest {
  private static final String[] STEADY = {LogLevels.INFO, LogLevels.INFO, LogLevels.DEBUG};

  /** A steady service: ~50 events a window from 8 templates, ~2% errors, ~5% warnings. */
  private static WindowCounts steady(Random r, int n) {
    WindowCounts w = new WindowCounts();
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      String level =
          u < 0.02 ? LogLevels.ERROR : u < 0.07 ? LogLevels.WARN : STEADY[r.nextInt(STEADY.length)];
      long t =
          level.equals(LogLevels.ERROR) ? 100 : level.equals(LogLevels.WARN) ? 101 : r.nextInt(6);
      w.add(level, t, "template " + t, false);
    }
    return w;
  }

  @Test
  void aSteadyServiceRaisesNoAnomalyInAThousandWindows() {
    Random r = new Random(1);
    LogWindowScorer s = new LogWindowScorer(LogWindowScorer.Params.defaults());
    int anomalies = 0;
    double max = 0;
    for (int i = 0; i < 1000; i++) {
      LogWindowScorer.Verdict v = s.scoreAndUpdate(steady(r, 40 + r.nextInt(20)));
      max = Math.max(max, v.score());
      anomalies += v.scored() && v.score() >= 0.4 ? 1 : 0;
    }
    assertThat(anomalies).as("max score " + max).isZero();
  }

  @Test
  void anErrorBurstOfANewTemplateIsAnAnomalyThatNamesItAndTheFeatures() {
    Random r = new Random(2);
    LogWindowScorer s = new LogWindowScorer(LogWindowScorer.Params.defaults());
    for (int i = 0; i < 60; i++) {
      s.scoreAndUpdate(steady(r, 50));
    }
    WindowCounts burst = steady(r, 50);
    for (int i = 0; i < 40; i++) {
      burst.add(LogLevels.ERROR, 999, "pool exhausted after <*>", i == 0);
    }
    LogWindowScorer.Verdict v = s.scoreAndUpdate(burst);
    assertThat(v.scored()).isTrue();
    assertThat(v.score()).isGreaterThan(0.8);
    assertThat(v.newTemplates())
        .extracting(LogWindowScorer.TemplateEvidence::id)
        .containsExactly(999L);
    assertThat(v.features())
        .filteredOn(f -> f.z() > 3)
        .extracting(LogWindowScorer.FeatureScore::name)
        .contains("error_rate", "template_shift");
  }

  @Test
  void windowsAreNotScoredDuringWarmUp() {
    LogWindowScorer s = new LogWindowScorer(new LogWindowScorer.Params(20, 5, 10, 10));
    Random r = new Random(3);
    for (int i = 0; i < 5; i++) {
      assertThat(s.scoreAndUpdate(steady(r, 30)).scored()).isFalse();
    }
    assertThat(s.scoreAndUpdate(steady(r, 30)).scored()).isTrue();
  }

  @Test
  void aRestoredBaselineScoresExactlyLikeTheOriginal() throws Exception {
    Random r = new Random(4);
    LogWindowScorer a = new LogWindowScorer(LogWindowScorer.Params.defaults());
    for (int i = 0; i < 80; i++) {
      a.scoreAndUpdate(steady(r, 45));
    }
    LogWindowScorer b = LogWindowScorer.restore(a.snapshot());
    assertThat(b.snapshot()).isEqualTo(a.snapshot());
    for (int i = 0; i < 20; i++) {
      WindowCounts w = steady(new Random(i), 45);
      assertThat(b.scoreAndUpdate(w)).isEqualTo(a.scoreAndUpdate(w));
    }
    assertThat(a.snapshot().length).isLessThan(5_000);
  }
}
