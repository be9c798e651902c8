package io.vigil.common.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class NabScorerTest {

  @Test
  void nullDetectorScoresZeroAndPerfectEarlyDetectionNearHundred() {
    int n = 1000;
    List<int[]> windows = List.<int[]>of(new int[] {500, 599});
    double[] none = new double[n];
    NabScorer.Result r =
        NabScorer.score(List.of(new NabScorer.FileResult("f", none, windows)), 1).get(0);
    assertThat(r.normalized()).isCloseTo(0.0, Offset.offset(1e-9));
    double[] early = new double[n];
    early[500] = 1.0;
    r = NabScorer.score(List.of(new NabScorer.FileResult("f", early, windows)), 1).get(0);
    assertThat(r.normalized()).isCloseTo(100.0, Offset.offset(1e-6));
    assertThat(r.recall()).isEqualTo(1.0);
    assertThat(r.falsePositives()).isZero();
  }

  @Test
  void lateDetectionAndFalsePositivesCost() {
    int n = 1000;
    List<int[]> windows = List.<int[]>of(new int[] {500, 599});
    double[] s = new double[n];
    s[590] = 1.0;
    s[300] = 1.0;
    NabScorer.Result r =
        NabScorer.score(List.of(new NabScorer.FileResult("f", s, windows)), 1).get(0);
    // Row 590 weighs 2*sigmoid(-5*(-10/100))-1 scaled; the FP before any window costs 0.11.
    double tp = NabScorer.scaledSigmoid(-10 / 100.0) / NabScorer.scaledSigmoid(-1.0);
    assertThat(r.raw()).isCloseTo(tp - 0.11, Offset.offset(1e-9));
    assertThat(r.precision()).isEqualTo(0.5);
  }

  @Test
  void probationRowsAreIgnored() {
    double[] s = new double[1000];
    s[10] = 1.0;
    NabScorer.Result r =
        NabScorer.score(List.of(new NabScorer.FileResult("f", s, List.of())), 0).get(0);
    assertThat(r.falsePositives()).isZero();
  }
}
