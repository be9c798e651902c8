package io.vigil.common.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnsembleDetectorTest {
  private static final long MINUTE = 60_000L;
  private static final long T0 = 1_700_000_000_000L;

  private final EnsembleDetector.Factory factory = EnsembleDetector.Factory.defaults();

  /** Gaussian noise around 100 with sigma 5, one point a minute. */
  private static double[] noise(int n, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 100 + 5 * r.nextGaussian();
    }
    return v;
  }

  private static double[] run(SeriesDetector d, double[] values) {
    double[] s = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      s[i] = d.update(T0 + i * MINUTE, values[i]).score();
    }
    return s;
  }

  private static double max(double[] s, int from, int to) {
    double m = 0;
    for (int i = from; i < to; i++) {
      m = Math.max(m, s[i]);
    }
    return m;
  }

  @Test
  void spikeAfterWarmupScoresHighAndNoiseStaysLow() {
    double[] v = noise(3000, 1);
    v[2500] = 100 + 5 * 12;
    double[] s = run(factory.create(), v);
    assertThat(s[2500]).isGreaterThan(0.5);
    assertThat(max(s, 500, 2500)).isLessThan(0.35);
    assertThat(max(s, 500, 2500)).isLessThan(s[2500] / 2);
  }

  /** The components named by the points of {@code [from, to)} scoring at least {@code level}. */
  private static List<String> detections(
      SeriesDetector d, double[] v, int from, int to, double level) {
    List<String> c = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      Score sc = d.update(T0 + i * MINUTE, v[i]);
      if (i >= from && i < to && sc.score() >= level) {
        c.add(sc.component());
      }
    }
    return c;
  }

  @Test
  void aRampOfSlightlyWorseningPointsIsOneDetectionButAMuchWorsePointStillFires() {
    // Six points, each 0.1 sigma further out than the one before (4.5 to 5 sigma): without the
    // margin the CUSUM beats its own hold at every point once it fires; with it each component
    // names the ramp at most once (the level at its first point, the CUSUM when the shift has
    // lasted: another component's evidence is not held back by the margin).
    EnsembleDetector.Factory noMargin =
        new EnsembleDetector.Factory(
            EnsembleDetector.Params.defaults().with(java.util.Map.of("suppressMargin", "0")));
    int ramps = 0;
    int rampsWithoutMargin = 0;
    for (long seed = 1; seed <= 5; seed++) {
      double[] v = noise(3000, 100 + seed);
      for (int i = 0; i < 6; i++) {
        v[2500 + i] = 100 + 5 * (4.5 + 0.1 * i);
      }
      assertThat(run(factory.create(), v)[2500]).isGreaterThan(0.3);
      List<String> with = detections(factory.create(), v, 2500, 2506, 0.3);
      assertThat(with).doesNotHaveDuplicates();
      ramps += with.size();
      rampsWithoutMargin += detections(noMargin.create(), v, 2500, 2506, 0.3).size();
    }
    assertThat(rampsWithoutMargin).isGreaterThan(ramps);

    double[] v = noise(3000, 7);
    v[2500] = 100 + 5 * 4.5;
    v[2502] = 100 + 5 * 9;
    double[] s = run(factory.create(), v);
    assertThat(s[2500]).isGreaterThan(0.3);
    assertThat(s[2502]).isGreaterThan(s[2500]);
  }

  @Test
  void aHugeSpikeHoldsTheSeriesNoLongerThanAnyOtherSaturatedDetection() {
    // A 2-point spike 100 sigmas out (hundreds of nats, far beyond the score's saturation at 23),
    // then 150 points later a 6.5-sigma excursion (score about 0.5): with the hold capped at the
    // saturation the excursion is a new detection; with no ceiling the spike's surprise holds the
    // series for some 500 points and hides it. Between the two nothing fires.
    EnsembleDetector.Factory noCeiling =
        new EnsembleDetector.Factory(
            EnsembleDetector.Params.defaults().with(java.util.Map.of("holdCeiling", "1e9")));
    for (long seed = 1; seed <= 5; seed++) {
      double[] v = noise(3000, 300 + seed);
      v[2500] = 100 + 5 * 100;
      v[2501] = 100 + 5 * 100;
      for (int i = 2650; i < 2653; i++) {
        v[i] = 100 + 5 * 6.5;
      }
      double[] s = run(factory.create(), v);
      assertThat(s[2500]).isEqualTo(1.0);
      assertThat(detections(factory.create(), v, 2501, 2650, 0.3)).isEmpty();
      assertThat(detections(factory.create(), v, 2650, 2653, 0.3)).hasSize(1);
      assertThat(detections(noCeiling.create(), v, 2650, 2653, 0.3)).isEmpty();
    }
  }

  @Test
  void aSaturatedIncidentSeenByTwoComponentsIsOneDetection() {
    // A daily cycle (1-minute points, 5 days) whose value triples for 5 minutes, or quadruples
    // for 2 hours: the seasonal residual fires at once, and the broken fit switches the cycle off,
    // so two points later the level (no longer gated) is saturated too. The hold does not fade
    // while the incident's points stay surprising, so that is one detection; with the hold fading
    // as before, the level's saturated point beats it and the incident is reported twice.
    EnsembleDetector.Factory fading =
        new EnsembleDetector.Factory(
            EnsembleDetector.Params.defaults()
                .with(java.util.Map.of("holdWhileSurprising", "false")));
    int perDay = 1440;
    for (int[] incident : new int[][] {{5, 3}, {120, 4}}) {
      int twice = 0;
      for (long seed = 1; seed <= 5; seed++) {
        Random r = new Random(seed);
        double[] v = new double[perDay * 5];
        for (int i = 0; i < v.length; i++) {
          v[i] = (170 + 60 * Math.sin(2 * Math.PI * i / perDay)) * (1 + 0.03 * r.nextGaussian());
        }
        int at = perDay * 4 + 600;
        for (int i = at; i < at + incident[0]; i++) {
          v[i] *= incident[1];
        }
        int end = at + incident[0] + 200;
        assertThat(detections(factory.create(), v, at, end, 0.3)).hasSize(1);
        twice += detections(fading.create(), v, at, end, 0.3).size() > 1 ? 1 : 0;
      }
      assertThat(twice).isGreaterThan(0);
    }
  }

  @Test
  void theWorsePointRightAfterADetectionIsTheSameIncidentUnlessItIsFarWorse() throws IOException {
    // A two-point spike whose second point is the worse one (4 then 5.5 sigma, scores about 0.37
    // and 0.53): the first point
    // is the detection, the second is held back (without the refractory point it beats the hold
    // and its margin and fires again, a second alarm for one incident). A second point far worse
    // than the first (4 then 9 sigma, more than refractoryEscape nats beyond it) still fires.
    EnsembleDetector.Factory off =
        new EnsembleDetector.Factory(
            EnsembleDetector.Params.defaults().with(java.util.Map.of("refractoryEscape", "0")));
    int pairs = 0;
    int pairsWithout = 0;
    for (long seed = 1; seed <= 5; seed++) {
      double[] v = noise(3000, 200 + seed);
      v[2500] = 100 + 5 * 4.0;
      v[2501] = 100 + 5 * 5.5;
      assertThat(run(factory.create(), v)[2500]).isGreaterThan(0.3);
      pairs += detections(factory.create(), v, 2500, 2502, 0.3).size();
      pairsWithout += detections(off.create(), v, 2500, 2502, 0.3).size();
    }
    assertThat(pairs).isEqualTo(5);
    assertThat(pairsWithout).isEqualTo(10);

    double[] v = noise(3000, 7);
    v[2500] = 100 + 5 * 4.0;
    v[2501] = 100 + 5 * 9;
    double[] s = run(factory.create(), v);
    assertThat(s[2500]).isGreaterThan(0.3);
    assertThat(s[2501]).isGreaterThan(s[2500]);

    // The flag is part of the state: a detector restored between the two points holds the second
    // back as well.
    double[] w = noise(3000, 201);
    w[2500] = 100 + 5 * 4.0;
    w[2501] = 100 + 5 * 5.5;
    SeriesDetector d = factory.create();
    for (int i = 0; i <= 2500; i++) {
      d.update(T0 + i * MINUTE, w[i]);
    }
    SeriesDetector r = factory.restore(new DataInputStream(new ByteArrayInputStream(bytes(d))));
    assertThat(r.update(T0 + 2501 * MINUTE, w[2501]).score()).isLessThan(0.3);
  }

  @Test
  void warmupScoresZero() {
    double[] s = run(factory.create(), noise(200, 2));
    assertThat(max(s, 0, factory.params().warmup())).isZero();
  }

  /**
   * The CUSUM starts when the warm-up ends: during the warm-up its residuals measure how young the
   * level and scale are (a running mean of a few points), and their CUSUM taught the shift
   * calibrator to discount the series' first real shift. A lasting 1-sigma step 300 points after
   * the warm-up, 1,000 series (seeds spread by SplittableRandom: java.util.Random's first values
   * are alike for neighbouring seeds, and the first values are what this is about): found, a score
   * of at least 0.3 in the 200 points after the step, in 992 of 1,000, and in 922 with {@code
   * cusumInWarmup} (the behaviour before); detections in the noise before the step 45 and 45.
   */
  @Test
  void aLastingSmallStepSoonAfterTheWarmupIsFoundAsOftenAsLater() {
    EnsembleDetector.Factory before =
        new EnsembleDetector.Factory(factory.params().with(Map.of("cusumInWarmup", "true")));
    int[] found = new int[2];
    int[] noiseDetections = new int[2];
    SplittableRandom seeds = new SplittableRandom(27);
    for (int series = 0; series < 1000; series++) {
      double[] v = noise(600, seeds.nextLong());
      for (int i = 400; i < v.length; i++) {
        v[i] += 5;
      }
      for (int k = 0; k < 2; k++) {
        double[] s = run((k == 0 ? factory : before).create(), v);
        found[k] += max(s, 400, 600) >= 0.3 ? 1 : 0;
        for (int i = 0; i < 400; i++) {
          noiseDetections[k] += s[i] >= 0.3 ? 1 : 0;
        }
      }
    }
    assertThat(found[0]).as("steps found").isGreaterThanOrEqualTo(970).isGreaterThan(found[1]);
    assertThat(noiseDetections[0])
        .as("detections in noise")
        .isLessThanOrEqualTo(noiseDetections[1]);
  }

  @Test
  void levelShiftGivesOneDetectionNotABurst() {
    double[] v = noise(4000, 3);
    for (int i = 2000; i < v.length; i++) {
      v[i] += 60;
    }
    double[] s = run(factory.create(), v);
    double peak = max(s, 2000, 2010);
    assertThat(peak).isGreaterThan(0.5);
    int detections = 0;
    for (int i = 2000; i < 4000; i++) {
      detections += s[i] >= peak / 2 ? 1 : 0;
    }
    assertThat(detections).isEqualTo(1);
  }

  @Test
  void stateRoundTripGivesIdenticalSubsequentScores() throws IOException {
    double[] v = noise(3000, 4);
    v[2600] += 70;
    SeriesDetector original = factory.create();
    for (int i = 0; i < 1500; i++) {
      original.update(T0 + i * MINUTE, v[i]);
    }
    SeriesDetector restored = factory.restore(roundTrip(original));
    for (int i = 1500; i < v.length; i++) {
      Score a = original.update(T0 + i * MINUTE, v[i]);
      Score b = restored.update(T0 + i * MINUTE, v[i]);
      assertThat(b).as("point %d", i).isEqualTo(a);
    }
  }

  @Test
  void formatOneStateFromBeforeTheBurstComponentIsRestored() throws IOException {
    // Format 1 lacked the burst register and rate (12 bytes after hold and offset), the burst
    // residual's autocorrelation estimate (12 more, format 3) and the burst calibrator slot (8
    // bytes
    // after the five others); its other fields are unchanged.
    double[] v = noise(3000, 12);
    v[2600] += 70;
    EnsembleDetector.Factory old =
        new EnsembleDetector.Factory(
            factory.params().with(java.util.Map.of("componentMask", "11", "suppressMargin", "0")));
    SeriesDetector original = warmedUp(old, v);
    byte[] six = bytes(original);
    byte[] four = formatFive(six);
    byte[] b = formatThree(four);
    int calibrator = 1 + 24 + 5 * 8;
    int burstSlot = calibrator + 5 * 8;
    int burst = burstSlot + 8 + 8 + 4;
    ByteArrayOutputStream formatOne = new ByteArrayOutputStream();
    formatOne.write(EnsembleDetector.FORMAT_1);
    formatOne.write(b, 1, burstSlot - 1);
    formatOne.write(b, burstSlot + 8, 12);
    formatOne.write(b, burst + 24, b.length - burst - 24);
    byte[] one = formatOne.toByteArray();
    assertThat(one.length).isEqualTo(b.length - 32);
    assertThat(b.length).isEqualTo(four.length - FORMAT_FOUR_ADDED);

    SeriesDetector upgraded = factory.restore(new DataInputStream(new ByteArrayInputStream(one)));
    Score[] sc = continueAfterRestores(old, original, one, upgraded, v);
    assertThat(sc[2600].score()).isGreaterThan(0.5);
    assertThat(size(upgraded)).isEqualTo(six.length);
  }

  @Test
  void formatTwoStateFromBeforeTheDecorrelatedBurstResidualIsRestored() throws IOException {
    // Format 2 lacked the burst residual's autocorrelation estimate (3 floats after the burst
    // register and rate); restored, it starts fresh, which with burstPhiAlpha 0 (the format-2
    // behaviour) changes nothing.
    double[] v = noise(3000, 13);
    v[2600] += 70;
    EnsembleDetector.Factory old =
        new EnsembleDetector.Factory(
            factory
                .params()
                .with(
                    java.util.Map.of(
                        "burstPhiAlpha", "0", "componentMask", "43", "suppressMargin", "0")));
    SeriesDetector original = warmedUp(old, v);
    byte[] six = bytes(original);
    byte[] four = formatFive(six);
    byte[] b = formatThree(four);
    int estimate = 1 + 24 + 5 * 8 + 6 * 8 + 8 + 4 + 8 + 4;
    ByteArrayOutputStream formatTwo = new ByteArrayOutputStream();
    formatTwo.write(EnsembleDetector.FORMAT_2);
    formatTwo.write(b, 1, estimate - 1);
    formatTwo.write(b, estimate + 12, b.length - estimate - 12);
    byte[] two = formatTwo.toByteArray();

    SeriesDetector upgraded = factory.restore(new DataInputStream(new ByteArrayInputStream(two)));
    Score[] sc = continueAfterRestores(old, original, two, upgraded, v);
    assertThat(sc[2600].score()).isGreaterThan(0.5);
    assertThat(size(upgraded)).isEqualTo(six.length);
  }

  /** A detector of {@code f} fed the first 1,500 points of v. */
  private static SeriesDetector warmedUp(EnsembleDetector.Factory f, double[] v) {
    SeriesDetector d = f.create();
    for (int i = 0; i < 1500; i++) {
      d.update(T0 + i * MINUTE, v[i]);
    }
    return d;
  }

  /**
   * Feeds the rest of v (from point 1,500) to {@code original}, to the old-format {@code state}
   * restored by the configuration that wrote it, which must score exactly as {@code original}, and
   * to {@code upgraded}; returns the upgraded detector's scores.
   */
  private static Score[] continueAfterRestores(
      EnsembleDetector.Factory writer,
      SeriesDetector original,
      byte[] state,
      SeriesDetector upgraded,
      double[] v)
      throws IOException {
    SeriesDetector restored = writer.restore(new DataInputStream(new ByteArrayInputStream(state)));
    Score[] out = new Score[v.length];
    for (int i = 1500; i < v.length; i++) {
      Score a = original.update(T0 + i * MINUTE, v[i]);
      assertThat(restored.update(T0 + i * MINUTE, v[i])).as("point %d", i).isEqualTo(a);
      out[i] = upgraded.update(T0 + i * MINUTE, v[i]);
    }
    return out;
  }

  /**
   * Format 4 added a seventh calibrator slot (the record component's, 8 bytes after the six others)
   * and, after the burst residual's autocorrelation estimate, the records (largest and smallest
   * value, their count) and the suppression margin with its component: 25 bytes.
   */
  private static final int FORMAT_FOUR_ADDED = 8 + 25;

  /**
   * Format 7 added, after the flag that the last point was a detection, the stuck component: its
   * calibrator slot (8 bytes), the two repeat probabilities (floats), the run (an int) and whether
   * the run was reported (a boolean).
   */
  private static final int FORMAT_SEVEN_ADDED = 8 + 4 + 4 + 4 + 1;

  /**
   * Format 8 added, after the stuck component, the trend component: its calibrator slot (8 bytes),
   * the fast and the slow average (doubles), their difference's variance (a float) and the count of
   * points it has seen (an int).
   */
  private static final int FORMAT_EIGHT_ADDED = 8 + 8 + 8 + 4 + 4;

  /** Offset of the byte after the flag that the last point was a detection (formats 6 to 8). */
  private static final int AFTER_FLAG = 1 + 24 + 5 * 8 + 6 * 8 + 8 + 8 + 4 + 8 + 4 + 12 + 25 + 1;

  /**
   * The format-7 state of a format-8 state (without novelty), byte for byte as format 7 wrote it.
   */
  static byte[] formatSeven(byte[] eight) {
    int trend = AFTER_FLAG + FORMAT_SEVEN_ADDED;
    ByteArrayOutputStream seven = new ByteArrayOutputStream();
    seven.write(EnsembleDetector.FORMAT_7);
    seven.write(eight, 1, trend - 1);
    seven.write(eight, trend + FORMAT_EIGHT_ADDED, eight.length - trend - FORMAT_EIGHT_ADDED);
    return seven.toByteArray();
  }

  /**
   * The format-6 state of a format-8 state (without novelty), byte for byte as format 6 wrote it.
   */
  static byte[] formatSix(byte[] eight) {
    byte[] seven = formatSeven(eight);
    ByteArrayOutputStream six = new ByteArrayOutputStream();
    six.write(EnsembleDetector.FORMAT_6);
    six.write(seven, 1, AFTER_FLAG - 1);
    six.write(
        seven, AFTER_FLAG + FORMAT_SEVEN_ADDED, seven.length - AFTER_FLAG - FORMAT_SEVEN_ADDED);
    return six.toByteArray();
  }

  /**
   * The format-5 state of a format-8 state (without novelty), byte for byte as format 5 wrote it:
   * without the trend (format 8) and stuck (format 7) components and the flag that the last point
   * was a detection, the byte after the suppression margin's component. Formats 4 and 5 have the
   * same layout.
   */
  static byte[] formatFive(byte[] eight) {
    byte[] six = formatSix(eight);
    int flag = 1 + 24 + 5 * 8 + 6 * 8 + 8 + 8 + 4 + 8 + 4 + 12 + 25;
    ByteArrayOutputStream five = new ByteArrayOutputStream();
    five.write(EnsembleDetector.FORMAT_5);
    five.write(six, 1, flag - 1);
    five.write(six, flag + 1, six.length - flag - 1);
    return five.toByteArray();
  }

  /** The format-3 state of a format-4 state, byte for byte as format 3 wrote it. */
  static byte[] formatThree(byte[] four) {
    int slot7 = 1 + 24 + 5 * 8 + 6 * 8;
    int records = slot7 + 8 + 8 + 4 + 8 + 4 + 12;
    ByteArrayOutputStream three = new ByteArrayOutputStream();
    three.write(EnsembleDetector.FORMAT_3);
    three.write(four, 1, slot7 - 1);
    three.write(four, slot7 + 8, records - slot7 - 8);
    three.write(four, records + 25, four.length - records - 25);
    return three.toByteArray();
  }

  @Test
  void formatThreeStateFromBeforeTheRecordComponentIsRestored() throws IOException {
    // A format-3 state restored by the format-3 configuration (no record component, no margin)
    // scores exactly as the detector that wrote it; restored by the default one, the records start
    // at the next value (their count at 0, so the first values after the restore are no records)
    // and the detector still finds a spike.
    double[] v = noise(3000, 14);
    v[2600] += 70;
    EnsembleDetector.Factory old =
        new EnsembleDetector.Factory(
            factory.params().with(java.util.Map.of("componentMask", "43", "suppressMargin", "0")));
    SeriesDetector original = warmedUp(old, v);
    byte[] six = bytes(original);
    byte[] four = formatFive(six);
    byte[] three = formatThree(four);
    assertThat(three.length).isEqualTo(four.length - FORMAT_FOUR_ADDED);

    SeriesDetector upgraded = factory.restore(new DataInputStream(new ByteArrayInputStream(three)));
    Score[] sc = continueAfterRestores(old, original, three, upgraded, v);
    for (int i = 1500; i < 1600; i++) {
      // The first values after the restore are records of a fresh count (surprise at most
      // ln(100 / 2), score 0.17), not of 1,500 points (ln(1500 / 2), 0.29).
      assertThat(sc[i].component().equals("record") ? sc[i].score() : 0.0)
          .as("point %d", i)
          .isLessThan(0.2);
    }
    assertThat(sc[2600].score()).isGreaterThan(0.5);
    assertThat(size(upgraded)).isEqualTo(six.length);
  }

  @Test
  void formatFourStateWhoseRecordCountRanFromTheStartIsRestored() throws IOException {
    // Format 4 has the layout of format 5; only the record count meant points since the first
    // value, and it is read as it is (the next record restarts it). Format 5 lacks the flag that
    // the last point was a detection (format 6), read as clear. Every field is read: the restored
    // detector continues exactly as a format-6 detector with that state, and finds a spike.
    double[] v = noise(3000, 15);
    v[2600] += 70;
    for (byte format : new byte[] {EnsembleDetector.FORMAT_4, EnsembleDetector.FORMAT_5}) {
      SeriesDetector original = warmedUp(factory, v);
      byte[] old = formatFive(bytes(original));
      assertThat(old.length)
          .isEqualTo(bytes(original).length - 1 - FORMAT_SEVEN_ADDED - FORMAT_EIGHT_ADDED);
      old[0] = format;
      SeriesDetector restored = factory.restore(new DataInputStream(new ByteArrayInputStream(old)));
      for (int i = 1500; i < v.length; i++) {
        Score a = original.update(T0 + i * MINUTE, v[i]);
        assertThat(restored.update(T0 + i * MINUTE, v[i])).as("point %d", i).isEqualTo(a);
      }
      // The stuck component starts fresh (no repeats in this noise, so it never scores).
      assertThat(formatSix(bytes(restored))).isEqualTo(formatSix(bytes(original)));
    }
    assertThat(max(run(factory.create(), v), 2600, 2601)).isGreaterThan(0.5);
  }

  @Test
  void aSteadyTrendSetsRecordsAllTheTimeSoTheyAreNoNews() {
    // A linear trend (+1 sigma every 100 points) and a slow exponential growth (doubling every
    // 5,000 points, 2% noise): both pass their old maximum again and again. Counted from the first
    // value, each record of the trend had the surprise of a record after thousands of points
    // (format 4: 3 and 15 record alarms per 17,000 points, mean of 5 seeds, 51 on these six
    // series); counted from the last record, at most one in two series.
    int records = 0;
    for (long seed = 1; seed <= 3; seed++) {
      Random r = new Random(seed);
      double[] trend = new double[20_000];
      double[] growth = new double[20_000];
      for (int i = 0; i < trend.length; i++) {
        trend[i] = 100 + 0.05 * i + 5 * r.nextGaussian();
        growth[i] = 100 * Math.exp(i * Math.log(2) / 5000 + 0.02 * r.nextGaussian());
      }
      records += alarms(factory.create(), trend, 3000, "record");
      records += alarms(factory.create(), growth, 3000, "record");
    }
    assertThat(records).isLessThanOrEqualTo(3);
  }

  /** AR(1) with coefficient {@code phi} around 1000 (phi 1: a random walk), unit innovations. */
  private static double[] ar(int n, double phi, long seed) {
    Random r = new Random(seed);
    double[] v = new double[n];
    double x = 0;
    for (int i = 0; i < n; i++) {
      x = phi * x + r.nextGaussian();
      v[i] = 1000 + x;
    }
    return v;
  }

  private static int alarms(SeriesDetector d, double[] v, int from, String component) {
    int count = 0;
    for (int i = 0; i < v.length; i++) {
      Score sc = d.update(T0 + i * MINUTE, v[i]);
      if (i >= from
          && sc.score() >= 0.3
          && (component == null || component.equals(sc.component()))) {
        count++;
      }
    }
    return count;
  }

  @Test
  void randomWalksAndStronglyAutocorrelatedSeriesAreNotBursts() {
    // A random walk or an AR(0.99) wanders away from the slow level for dozens of points at a
    // time: each excursion is a run of extremes of the level residual, which the burst count took
    // for a crowd (format 2: about 8-10 alarms per 17,000 points, nearly all burst, against 0.4-2
    // without the component). Counted on the decorrelated residual they are not. Compared with
    // the same configuration without the burst component (the record component, on in both,
    // raises its own few alarms when such a series wanders to values never seen before).
    int mask = factory.params().componentMask() & ~(1 << 5);
    EnsembleDetector.Factory without =
        new EnsembleDetector.Factory(
            factory.params().with(java.util.Map.of("componentMask", String.valueOf(mask))));
    int burst = 0;
    int with = 0;
    int base = 0;
    for (double phi : new double[] {1.0, 0.99}) {
      for (long seed = 1; seed <= 3; seed++) {
        double[] v = ar(20_000, phi, seed);
        burst += alarms(factory.create(), v, 3000, "burst");
        with += alarms(factory.create(), v, 3000, null);
        base += alarms(without.create(), v, 3000, null);
      }
    }
    // 6 series of 17,000 points: format 2 raised about 50 burst alarms here.
    assertThat(burst).isLessThanOrEqualTo(1);
    assertThat(with).isLessThanOrEqualTo(base + 1);
  }

  @Test
  void restoreRejectsUnknownFormat() {
    byte[] bad = {99, 0, 0};
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> factory.restore(new DataInputStream(new ByteArrayInputStream(bad))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format");
  }

  @Test
  void stateSizeIsMeasuredAndBounded() throws IOException {
    SeriesDetector d = factory.create();
    run(d, noise(5000, 5));
    int withSeason = size(d);
    EnsembleDetector.Factory noSeason =
        new EnsembleDetector.Factory(factory.params().with(java.util.Map.of("seasonal", "false")));
    SeriesDetector plain = noSeason.create();
    run(plain, noise(5000, 5));
    assertThat(size(plain)).isLessThanOrEqualTo(512);
    assertThat(withSeason).isLessThanOrEqualTo(1024);
  }

  @Test
  void falsePositiveFeedbackRaisesTheThresholdAndTruePositiveLowersIt() {
    double[] v = noise(3000, 6);
    v[2500] += 27;
    double before = run(factory.create(), v)[2500];
    EnsembleDetector quiet = (EnsembleDetector) factory.create();
    for (int i = 0; i < 3; i++) {
      quiet.feedback(false);
    }
    assertThat(quiet.thresholdOffset()).isGreaterThan(0);
    double after = run(quiet, v)[2500];
    assertThat(after).isLessThan(before);
    EnsembleDetector keen = (EnsembleDetector) factory.create();
    keen.feedback(true);
    assertThat(keen.thresholdOffset()).isLessThan(0);
    assertThat(run(keen, v)[2500]).isGreaterThan(before);
    for (int i = 0; i < 100; i++) {
      quiet.feedback(false);
    }
    assertThat(quiet.thresholdOffset()).isEqualTo((float) factory.params().maxOffset());
  }

  @Test
  void versionChangesWithHyperparameters() {
    EnsembleDetector.Factory other =
        new EnsembleDetector.Factory(factory.params().with(java.util.Map.of("clip", "3.5")));
    assertThat(other.version()).isNotEqualTo(factory.version());
    assertThat(factory.algorithm()).isEqualTo("vigil-ensemble");
    assertThat(factory.hyperparameters()).containsEntry("clip", 4.0);
  }

  @Test
  void unknownOverrideIsRejectedWithTheKnownNames() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> factory.params().with(java.util.Map.of("clipp", "3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clipp")
        .hasMessageContaining("clip");
  }

  @Test
  void dailyCycleIsNotAnAnomalyButABrokenCycleIs() {
    // 5-minute samples of a daily square-ish cycle with noise, 12 days; day 11 misses its peak.
    Random r = new Random(7);
    int perDay = 288;
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < perDay * 12; i++) {
      int minute = (i % perDay) * 5;
      boolean peak = minute >= 9 * 60 && minute < 18 * 60;
      boolean broken = i / perDay == 10;
      v.add((peak && !broken ? 80.0 : 20.0) + r.nextGaussian());
    }
    double[] values = v.stream().mapToDouble(Double::doubleValue).toArray();
    double[] s = new double[values.length];
    SeriesDetector d = factory.create();
    for (int i = 0; i < values.length; i++) {
      s[i] = d.update(i * 5 * MINUTE, values[i]).score();
    }
    double normalDays = max(s, perDay * 4, perDay * 10);
    double brokenDay = max(s, perDay * 10, perDay * 11);
    assertThat(brokenDay).isGreaterThan(0.3).isGreaterThan(2 * normalDays);
  }

  @Test
  void withACycleFoundTheFlatLevelNoLongerJudgesThePoints() {
    // A daily cycle with a weaker, lower weekend (5-minute points, 4 weeks): the weekend days sit
    // far from the weekday level, and without the gate the flat level raises an alarm on most
    // Mondays. From the third week, with the cycle active, the level is gated: no alarm names it,
    // and the series raises fewer alarms over 5 seeds. (dailyCycleIsNotAnAnomalyButABrokenCycleIs:
    // a broken cycle is still found.)
    EnsembleDetector.Factory ungated =
        new EnsembleDetector.Factory(
            EnsembleDetector.Params.defaults().with(java.util.Map.of("seasonGatesLevel", "false")));
    int perDay = 288;
    int gatedAlarms = 0;
    int ungatedAlarms = 0;
    int ungatedLevelAlarms = 0;
    for (long seed = 1; seed <= 5; seed++) {
      Random r = new Random(seed);
      double[] v = new double[perDay * 28];
      for (int i = 0; i < v.length; i++) {
        boolean weekend = (i / perDay) % 7 >= 5;
        v[i] =
            (weekend ? 80 : 100)
                + (weekend ? 10 : 30) * Math.sin(2 * Math.PI * i / perDay)
                + 5 * r.nextGaussian();
      }
      SeriesDetector gated = factory.create();
      SeriesDetector plain = ungated.create();
      for (int i = 0; i < v.length; i++) {
        Score g = gated.update(i * 5 * MINUTE, v[i]);
        Score u = plain.update(i * 5 * MINUTE, v[i]);
        if (i >= perDay * 14) {
          gatedAlarms += g.score() >= 0.3 ? 1 : 0;
          ungatedAlarms += u.score() >= 0.3 ? 1 : 0;
          ungatedLevelAlarms += u.score() >= 0.3 && u.component().equals("level") ? 1 : 0;
          if (g.score() >= 0.3) {
            assertThat(g.component()).isNotEqualTo("level");
          }
        }
      }
    }
    assertThat(ungatedLevelAlarms).isGreaterThanOrEqualTo(5);
    assertThat(gatedAlarms).isLessThan(ungatedAlarms);
  }

  @Test
  void aNewShapeAtTheUsualLevelsIsNovelOnlyForTheOptInNoveltyComponent() throws IOException {
    // 0,0,100,100 repeated; from point 3000 on, 0,100,0,100: the same values and level, but
    // contexts (low, high, low) never seen before.
    double[] v = new double[3200];
    for (int i = 0; i < v.length; i++) {
      v[i] = i < 3000 ? (i % 4 < 2 ? 0 : 100) : (i % 2 == 0 ? 0 : 100);
    }
    double[] s = new double[v.length];
    String[] component = new String[v.length];
    EnsembleDetector.Factory novelty =
        new EnsembleDetector.Factory(
            factory.params().with(java.util.Map.of("componentMask", "27")));
    SeriesDetector d = novelty.create();
    for (int i = 0; i < v.length; i++) {
      if (i == 2000) {
        d = novelty.restore(roundTrip(d));
      }
      Score sc = d.update(T0 + i * MINUTE, v[i]);
      s[i] = sc.score();
      component[i] = sc.component();
    }
    int first = 3000;
    while (s[first] < 0.3) {
      first++;
    }
    assertThat(first).isLessThan(3010);
    assertThat(component[first]).isEqualTo("novelty");
    assertThat(max(s, 500, 3000)).isLessThan(0.1);
    EnsembleDetector.Factory without =
        new EnsembleDetector.Factory(
            factory.params().with(java.util.Map.of("componentMask", "11")));
    assertThat(max(run(without.create(), v), 3000, 3200)).isLessThan(0.1);
  }

  @Test
  void routineSpikesThatCrowdTogetherAreABurst() throws IOException {
    // A 6-sigma spike every 100 points is routine; from point 4000 the same spikes, up and down,
    // come every 3 points for 60 points: no spike is larger than usual and the mean does not move,
    // only their density is new. The spikes go up and down to the same two values all along, so
    // none of the crowd is a record either (a spike that happened to be the highest so far would
    // be one: the record component's business, not this test's).
    double[] v = noise(4400, 11);
    for (int i = 100; i < 4000; i += 100) {
      v[i] = (i / 100) % 2 == 0 ? 130 : 70;
    }
    for (int i = 4000; i < 4060; i += 3) {
      v[i] = (i / 3) % 2 == 0 ? 130 : 70;
    }
    Score[] sc = runRestoringAt(v, 3000);
    assertThat(firstAlarmComponent(sc, 4000, 4060)).isEqualTo("burst");
    assertThat(max(scores(sc), 2500, 4000)).isLessThan(0.3);
    assertThat(max(run(withMask(11).create(), v), 4000, 4100)).isLessThan(0.3);
  }

  @Test
  void aSlowSwingToValuesNeverSeenBeforeIsARecord() throws IOException {
    // A slow swing of +-20 (700 points a cycle, no calendar period) with unit noise; the level
    // follows it, so its residual is ordinary. From point 4,200 one trough goes 12 lower, as
    // slowly: no point is far from the one before or from the lagging level, but the values were
    // never seen before.
    double[] v = new double[5600];
    Random r = new Random(21);
    for (int i = 0; i < v.length; i++) {
      double depth = i >= 4200 && i < 4900 ? 32 : 20;
      double phase = Math.sin(2 * Math.PI * i / 700.0);
      v[i] = 100 + (phase < 0 ? depth : 20) * phase + r.nextGaussian();
    }
    Score[] sc = runRestoringAt(v, 3000);
    assertThat(firstAlarmComponent(sc, 4200, 4900)).isEqualTo("record");
    assertThat(max(scores(sc), 1500, 4200)).isLessThan(0.3);
    assertThat(max(run(withMask(43).create(), v), 4200, 4900)).isLessThan(0.3);
  }

  @Test
  void aSlowDriftThatTheLevelFollowsIsOneDetectionNamedTrend() throws IOException {
    // Noise (sigma 5) for 6,000 points, then a slow climb of one sigma per 1,000 points: the level
    // (100 points of memory) lags it by a tenth of a sigma, so its residual stays ordinary, and
    // the values stay inside the range seen for more than 3,000 points, so no record either. Only
    // the trend, a fast average against one of 1,000 points, sees it. The state is saved and
    // restored on the way.
    double[] v = noise(12_000, 31);
    for (int i = 6000; i < v.length; i++) {
      v[i] += 5.0 * (i - 6000) / 1000.0;
    }
    Score[] sc = runRestoringAt(v, 4000);
    List<Integer> alarms = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      if (sc[i].score() >= 0.3 && sc[i].component().equals("trend")) {
        alarms.add(i);
      }
    }
    assertThat(alarms).hasSize(1);
    int at = alarms.get(0);
    assertThat(at).isBetween(6000, 7500);
    // Reported once the drift is beyond doubt, so it clears the metrics job's default threshold.
    assertThat(sc[at].score()).isGreaterThanOrEqualTo(0.4);
    assertThat(sc[at].reason()).startsWith("trend: recent average");
    // Without the trend component no point of the climb reaches that threshold.
    double[] without = run(withMask(factory.params().componentMask() & ~(1 << 8)).create(), v);
    assertThat(max(without, 6000, v.length)).isLessThan(0.4);
  }

  @Test
  void stationarySeriesAreNoTrendAndAYoungSeriesIsNotJudged() {
    // Noise and an AR(0.9) (whose averages wander more than white noise's): over 6 series of
    // 20,000 points, the trend fires at most about once per series (a wrong variance, e.g. white
    // noise's for the AR series, gives dozens). A series that settles at a new level in its first
    // 1,500 points is not a trend: the slow average has not seen 2 memories of the series yet.
    int trend = 0;
    for (long seed = 1; seed <= 3; seed++) {
      trend += alarms(factory.create(), noise(20_000, seed), 0, "trend");
      trend += alarms(factory.create(), ar(20_000, 0.9, seed), 0, "trend");
    }
    assertThat(trend).isLessThanOrEqualTo(6);
    double[] young = noise(3000, 32);
    for (int i = 0; i < 1500; i++) {
      young[i] += 15.0 * (1500 - i) / 1500.0;
    }
    assertThat(alarms(factory.create(), young, 0, "trend")).isZero();
  }

  @Test
  void formatSevenStateIsRestoredWithTheTrendComponentStartingFresh() throws IOException {
    // A format-7 state has no trend component; restored, every other field is read as it was (on
    // noise the detector scores exactly as the one that wrote it) and the trend starts fresh.
    double[] v = noise(3000, 33);
    SeriesDetector original = warmedUp(factory, v);
    byte[] eight = bytes(original);
    byte[] seven = formatSeven(eight);
    assertThat(seven.length).isEqualTo(eight.length - FORMAT_EIGHT_ADDED);
    SeriesDetector restored = factory.restore(new DataInputStream(new ByteArrayInputStream(seven)));
    for (int i = 1500; i < v.length; i++) {
      Score a = original.update(T0 + i * MINUTE, v[i]);
      assertThat(restored.update(T0 + i * MINUTE, v[i])).as("point %d", i).isEqualTo(a);
    }
    assertThat(formatSeven(bytes(restored))).isEqualTo(formatSeven(bytes(original)));
    assertThat(size(restored)).isEqualTo(eight.length);
  }

  @Test
  void aValueStuckForHoursIsOneDetectionNamedStuck() {
    // From point 2,500 the sensor repeats its last value (near the level) for 200 points: nothing
    // is out of range, so only the stuck component can see it; it fires within 10 points, once
    // for the run, and the values of the run teach nothing, so the recovery is not an incident.
    double[] v = noise(3000, 21);
    for (int i = 2499; i < 2700; i++) {
      v[i] = 100.3; // near the level: no other component has anything to say
    }
    SeriesDetector d = factory.create();
    List<Integer> alarms = new ArrayList<>();
    Score first = null;
    for (int i = 0; i < v.length; i++) {
      Score sc = d.update(T0 + i * MINUTE, v[i]);
      if (i >= 2400 && i < 2800 && sc.score() >= 0.3) {
        alarms.add(i);
        first = first == null ? sc : first;
      }
    }
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0)).isBetween(2500, 2510);
    assertThat(first.component()).isEqualTo("stuck");
    assertThat(first.reason()).contains("repeated");
    // Without the component (the format-6 mask) the run goes unseen.
    assertThat(max(run(withMask(107).create(), v), 2500, 2700)).isLessThan(0.3);
  }

  @Test
  void repeatsThatAreRoutineForTheSeriesAreNoNews() {
    // Small counts (Poisson 2: a value repeats the one before a quarter of the time), a quantized
    // gauge (whole numbers, sigma 2) and an idle error count (0 but for 1% of minutes: runs of
    // hundreds of zeros) repeat all the time; the stuck component learns how often and how long.
    int stuck = 0;
    for (long seed = 1; seed <= 3; seed++) {
      Random r = new Random(seed);
      org.apache.commons.math3.distribution.PoissonDistribution poisson =
          new org.apache.commons.math3.distribution.PoissonDistribution(
              new org.apache.commons.math3.random.Well19937c(seed), 2.0, 1e-12, 10_000);
      double[] counts = new double[20_000];
      double[] gauge = new double[20_000];
      double[] idle = new double[20_000];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = poisson.sample();
        gauge[i] = Math.round(50 + 2 * r.nextGaussian());
        idle[i] = r.nextDouble() < 0.01 ? 1 + r.nextInt(5) : 0;
      }
      stuck += alarms(factory.create(), counts, 3000, "stuck");
      stuck += alarms(factory.create(), gauge, 3000, "stuck");
      stuck += alarms(factory.create(), idle, 3000, "stuck");
    }
    assertThat(stuck).isZero();
  }

  @Test
  void formatSixStateIsRestoredWithTheStuckComponentStartingFresh() throws IOException {
    // A format-6 state has no stuck component; restored, every other field is read as it was (the
    // noise, which never repeats, scores exactly as the detector that wrote it) and the component
    // starts fresh, conservative (its repeat probability at 0.5 until learnt) yet still seeing a
    // sensor stuck for 200 points.
    double[] v = noise(3000, 22);
    for (int i = 2499; i < 2700; i++) {
      v[i] = 100.3; // near the level: no other component has anything to say
    }
    SeriesDetector original = warmedUp(factory, v);
    byte[] eight = bytes(original);
    byte[] six = formatSix(eight);
    assertThat(six.length).isEqualTo(eight.length - FORMAT_SEVEN_ADDED - FORMAT_EIGHT_ADDED);
    SeriesDetector restored = factory.restore(new DataInputStream(new ByteArrayInputStream(six)));
    Score stuck = null;
    for (int i = 1500; i < v.length; i++) {
      Score a = original.update(T0 + i * MINUTE, v[i]);
      Score b = restored.update(T0 + i * MINUTE, v[i]);
      if (i < 2500) {
        assertThat(b).as("point %d", i).isEqualTo(a);
      } else if (b.score() >= 0.3 && stuck == null) {
        stuck = b;
      }
    }
    assertThat(stuck).isNotNull();
    assertThat(stuck.component()).isEqualTo("stuck");
    assertThat(size(restored)).isEqualTo(eight.length);
  }

  /** Scores v with a detector whose state is saved and restored before point {@code at}. */
  private Score[] runRestoringAt(double[] v, int at) throws IOException {
    Score[] out = new Score[v.length];
    SeriesDetector d = factory.create();
    for (int i = 0; i < v.length; i++) {
      if (i == at) {
        d = factory.restore(roundTrip(d));
      }
      out[i] = d.update(T0 + i * MINUTE, v[i]);
    }
    return out;
  }

  /** The component of the first alarm (score >= 0.3) in [from, to); fails when there is none. */
  private static String firstAlarmComponent(Score[] sc, int from, int to) {
    for (int i = from; i < to; i++) {
      if (sc[i].score() >= 0.3) {
        return sc[i].component();
      }
    }
    throw new AssertionError("no alarm in [" + from + ", " + to + ")");
  }

  private static double[] scores(Score[] sc) {
    double[] out = new double[sc.length];
    for (int i = 0; i < sc.length; i++) {
      out[i] = sc[i].score();
    }
    return out;
  }

  private EnsembleDetector.Factory withMask(int componentMask) {
    return new EnsembleDetector.Factory(
        factory.params().with(java.util.Map.of("componentMask", String.valueOf(componentMask))));
  }

  static DataInputStream roundTrip(SeriesDetector d) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    d.writeTo(new DataOutputStream(bytes));
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }

  static byte[] bytes(SeriesDetector d) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    d.writeTo(new DataOutputStream(out));
    return out.toByteArray();
  }

  static int size(SeriesDetector d) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    d.writeTo(new DataOutputStream(bytes));
    return bytes.size();
  }
}
