package io.vigil.common.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * An online seasonal baseline that finds the cycle of a series by itself. It infers the sampling
 * interval from the timestamps, keeps a binned profile (linearly interpolated) for each candidate
 * cycle of the calendar ladder (hour, day, week) that the interval can resolve, and measures each
 * candidate's out-of-sample forecast skill: the share of the variance around the plain level that
 * the profile explains before it learns the point. That skill is the online analogue of the
 * autocorrelation at the candidate lag. The candidate with the best skill, if it is above {@code
 * minSkill} after {@code minCycles} whole cycles, is the active one; otherwise there is no season.
 *
 * <p>State: 8 + 8 + 8 + 8 bytes of bookkeeping plus, per candidate, its bins as floats and 8 bytes
 * of residual variance: 4 * (12 + 48 + 56) + 3 * 8 + 33 = 521 bytes.
 */
final class SeasonalBaseline {
  static final long[] PERIODS_MS = {3_600_000L, 86_400_000L, 604_800_000L};
  static final String[] PERIOD_NAMES = {"hourly", "daily", "weekly"};
  static final int[] BINS = {12, 48, 56};
  private static final int NONE = -1;

  private long firstTs = Long.MIN_VALUE;
  private long lastTs = Long.MIN_VALUE;
  private double intervalMs;
  private double levelVar;
  private final double[] resVar = new double[PERIODS_MS.length];
  private final float[][] profile = new float[PERIODS_MS.length][];
  private int active = NONE;

  SeasonalBaseline() {
    for (int k = 0; k < PERIODS_MS.length; k++) {
      profile[k] = new float[BINS[k]];
      Arrays.fill(profile[k], Float.NaN);
    }
  }

  /** Index of the active cycle in {@link #PERIODS_MS}, or -1. */
  int active() {
    return active;
  }

  double intervalMs() {
    return intervalMs;
  }

  /** The profile's forecast for {@code ts} under the active cycle, or NaN when none is active. */
  double expected(long ts) {
    return active == NONE ? Double.NaN : predict(active, ts);
  }

  /**
   * The residual of {@code value} against the active cycle: its distance to the band spanned by the
   * two profile bins around {@code ts}, so that a sharp edge that falls between two bins is not
   * mistaken for a deviation. NaN when no cycle is active.
   */
  double residual(long ts, double value) {
    if (active == NONE) {
      return Double.NaN;
    }
    float[] prof = profile[active];
    int n = prof.length;
    double x = phase(active, ts) * n - 0.5;
    int b0 = (int) Math.floor(x);
    float v0 = prof[Math.floorMod(b0, n)];
    float v1 = prof[Math.floorMod(b0 + 1, n)];
    if (Float.isNaN(v0)) {
      v0 = v1;
    }
    if (Float.isNaN(v1)) {
      v1 = v0;
    }
    double lo = Math.min(v0, v1);
    double hi = Math.max(v0, v1);
    return value < lo ? value - lo : value > hi ? value - hi : 0.0;
  }

  /**
   * The plain error of {@code value} against the bin that holds {@code ts}: what the profile learns
   * from, so its spread is the noise scale (the band residual would understate it).
   */
  double binError(long ts, double value) {
    if (active == NONE) {
      return Double.NaN;
    }
    float[] prof = profile[active];
    int b = Math.min(prof.length - 1, (int) (phase(active, ts) * prof.length));
    return Float.isNaN(prof[b]) ? Double.NaN : value - prof[b];
  }

  /** Share of variance explained by the active cycle (0 when none). */
  double skill() {
    return active == NONE || levelVar <= 0 ? 0.0 : 1.0 - resVar[active] / levelVar;
  }

  /**
   * Learns the point: updates the interval estimate, every usable candidate's skill (with its
   * forecast made before learning) and profile, and then re-selects the active cycle.
   */
  void learn(long ts, double value, double level, SeasonalParams p) {
    if (firstTs == Long.MIN_VALUE) {
      firstTs = ts;
      lastTs = ts;
      return;
    }
    long delta = ts - lastTs;
    if (delta > 0) {
      // A smoothed interval that gaps and jitter move only a little: deltas are clipped to 2x.
      intervalMs =
          intervalMs == 0
              ? delta
              : intervalMs + 0.05 * (Math.min(delta, 2 * intervalMs) - intervalMs);
      lastTs = ts;
    }
    double a = p.varianceAlpha();
    double d0 = value - level;
    levelVar += a * (d0 * d0 - levelVar);
    int best = NONE;
    double bestSkill = p.minSkill();
    double[] skills = new double[PERIODS_MS.length];
    for (int k = 0; k < PERIODS_MS.length; k++) {
      if (!usable(k)) {
        continue;
      }
      double f = predict(k, ts);
      if (!Double.isNaN(f)) {
        double e = value - f;
        resVar[k] += a * (e * e - resVar[k]);
      } else {
        resVar[k] += a * (d0 * d0 - resVar[k]);
      }
      learnProfile(k, ts, value, p.profileAlpha());
      double cycles = (ts - firstTs) / (double) PERIODS_MS[k];
      double skill = levelVar <= 0 ? 0.0 : 1.0 - resVar[k] / levelVar;
      skills[k] = cycles >= p.minCycles() ? skill : Double.NEGATIVE_INFINITY;
      if (skills[k] > bestSkill) {
        best = k;
        bestSkill = skill;
      }
    }
    // Hysteresis: the active cycle stays while it keeps half the required skill and no other
    // candidate beats it clearly, so an anomaly that spoils the fit for a while does not switch
    // the baseline off just when it is needed.
    if (active != NONE
        && skills[active] >= p.minSkill() / 2
        && (best == NONE || skills[best] < skills[active] + 0.1)) {
      return;
    }
    active = best;
  }

  /** A candidate is usable when the sampling interval resolves at least 2 points per bin. */
  private boolean usable(int k) {
    return intervalMs > 0 && intervalMs * BINS[k] * 2 <= PERIODS_MS[k];
  }

  private double predict(int k, long ts) {
    float[] prof = profile[k];
    int n = prof.length;
    double x = phase(k, ts) * n - 0.5;
    int b0 = (int) Math.floor(x);
    double frac = x - b0;
    float v0 = prof[Math.floorMod(b0, n)];
    float v1 = prof[Math.floorMod(b0 + 1, n)];
    if (Float.isNaN(v0)) {
      return v1;
    }
    if (Float.isNaN(v1)) {
      return v0;
    }
    return v0 + frac * (v1 - v0);
  }

  /**
   * Learns into the one bin that holds {@code ts} (not split between neighbours, which would smear
   * a sharp edge into both bins); the forecast interpolates between bins instead.
   */
  private void learnProfile(int k, long ts, double value, double alpha) {
    float[] prof = profile[k];
    int n = prof.length;
    int b = Math.min(n - 1, (int) (phase(k, ts) * n));
    // Each bin sees about pointsPerBin points per cycle; scale alpha so one cycle weighs alpha.
    double pointsPerBin = Math.max(1.0, PERIODS_MS[k] / (n * intervalMs));
    double cycles = (ts - firstTs) / (double) PERIODS_MS[k];
    double rate = Math.max(alpha, 1.0 / (1.0 + cycles)) / pointsPerBin;
    nudge(prof, b, value, rate);
  }

  private static void nudge(float[] prof, int b, double value, double w) {
    if (Float.isNaN(prof[b])) {
      prof[b] = (float) value;
    } else {
      prof[b] += (float) (Math.min(1.0, w) * (value - prof[b]));
    }
  }

  private static double phase(int k, long ts) {
    return Math.floorMod(ts, PERIODS_MS[k]) / (double) PERIODS_MS[k];
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeLong(firstTs);
    out.writeLong(lastTs);
    out.writeDouble(intervalMs);
    out.writeDouble(levelVar);
    out.writeByte(active);
    for (int k = 0; k < PERIODS_MS.length; k++) {
      out.writeDouble(resVar[k]);
      for (float f : profile[k]) {
        out.writeFloat(f);
      }
    }
  }

  void readFrom(DataInput in) throws IOException {
    firstTs = in.readLong();
    lastTs = in.readLong();
    intervalMs = in.readDouble();
    levelVar = in.readDouble();
    active = in.readByte();
    for (int k = 0; k < PERIODS_MS.length; k++) {
      resVar[k] = in.readDouble();
      for (int b = 0; b < profile[k].length; b++) {
        profile[k][b] = in.readFloat();
      }
    }
  }

  /** Hyperparameters of the seasonal baseline; immutable. */
  record SeasonalParams(
      double profileAlpha, double varianceAlpha, double minSkill, double minCycles)
      implements java.io.Serializable {
    static SeasonalParams defaults() {
      return new SeasonalParams(0.2, 0.005, 0.3, 2.0);
    }
  }
}
