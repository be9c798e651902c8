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

  @Test
  void breakdownSplitsFoundMissedAndFalsePositivesPerFile() {
    int n = 1000;
    double[] s = new double[n];
    s[525] = 0.8; // a quarter into the first window
    s[300] = 0.9; // before any window: a false positive
    s[700] = 0.1; // in the second window but under the threshold
    List<int[]> windows = List.<int[]>of(new int[] {500, 599}, new int[] {650, 749});
    List<NabScorer.FileBreakdown> b =
        NabScorer.breakdown(
            List.of(new NabScorer.FileResult("f", s, windows)), NabScorer.PROFILES.get(0), 0.5);
    assertThat(b).hasSize(1);
    NabScorer.FileBreakdown f = b.get(0);
    assertThat(f.windowsFound()).isEqualTo(1);
    assertThat(f.windowsMissed()).isEqualTo(1);
    assertThat(f.falsePositives()).isEqualTo(1);
    assertThat(f.fpCost()).isCloseTo(0.11, Offset.offset(1e-9));
    assertThat(f.firstDetection()).containsExactly(0.25, -1.0);
    double tp = NabScorer.scaledSigmoid(-75 / 100.0) / NabScorer.scaledSigmoid(-1.0);
    assertThat(f.tpScore()).isCloseTo(tp - 1.0, Offset.offset(1e-9));
    assertThat(f.toString()).contains("0.25 miss");
  }

  @Test
  void detectionsAreCountedByTheComponentThatMadeThem() {
    int n = 1000;
    List<int[]> windows = List.<int[]>of(new int[] {500, 599});
    double[] s = new double[n];
    String[] c = new String[n];
    java.util.Arrays.fill(c, "");
    s[50] = 0.9; // probation (the first 15%): not counted
    c[50] = "burst";
    s[300] = 0.5; // outside the window: a false positive
    c[300] = "level";
    s[520] = 0.6; // the window's first detection
    c[520] = "shift";
    s[550] = 0.7; // a later one in the same window
    c[550] = "level";
    s[700] = 0.2; // below the threshold
    c[700] = "seasonal";
    var counts =
        NabScorer.byComponent(
            List.of(new NabScorer.FileResult("f", s, windows)),
            List.<String[]>of(c),
            NabScorer.PROFILES.get(0),
            0.4);
    assertThat(counts.keySet()).containsExactly("level", "shift");
    assertThat(counts.get("level")).containsExactly(1, 0, 1);
    assertThat(counts.get("shift")).containsExactly(0, 1, 0);
  }
}
