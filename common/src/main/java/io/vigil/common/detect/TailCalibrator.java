package io.vigil.common.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Peaks-over-threshold calibration of a component's surprise {@code u = -ln p}, learned per series.
 * A model's nominal p-values are wrong for real series (heavy tails, autocorrelation, spikes that
 * recur); extreme value theory says the excesses of {@code u} over a high threshold {@code u0} are
 * close to exponential, so {@code P(U > u) ~ rate * exp(-(u - u0) / excess)} with {@code rate} the
 * share of points above {@code u0} and {@code excess} their mean excess. Both start at their values
 * for a well-specified model (rate = e^-u0, excess = 1) so a short history stays Gaussian. The
 * excess learns from clipped excesses, so one incident cannot blind the detector for long, while a
 * pattern that recurs raises it geometrically and stops being news.
 */
final class TailCalibrator {
  private final float[] rate;
  private final float[] excess;

  TailCalibrator(int components, double threshold) {
    rate = new float[components];
    excess = new float[components];
    java.util.Arrays.fill(rate, (float) Math.exp(-threshold));
    java.util.Arrays.fill(excess, 1f);
  }

  /** Calibrated surprise {@code -ln P(U > u)} of component {@code i}. */
  double calibrated(int i, double u, double threshold) {
    // Never more alarmed than the nominal model: a rate below e^-u0 only means the model's scale
    // is conservative, and boosting on that evidence would turn quiet series into noisy ones.
    double base = Math.min(threshold, -Math.log(rate[i]));
    if (u <= threshold) {
      return u * base / threshold;
    }
    return base + (u - threshold) / excess[i];
  }

  /** Learns one observation of component {@code i}. */
  void learn(
      int i, double u, double threshold, double rateAlpha, double excessAlpha, double growth) {
    boolean over = u > threshold;
    rate[i] += (float) (rateAlpha * ((over ? 1.0 : 0.0) - rate[i]));
    rate[i] = Math.max(rate[i], 1e-6f);
    if (over) {
      double x = Math.min(u - threshold, growth * excess[i]);
      excess[i] = (float) Math.max(1.0, excess[i] + excessAlpha * (x - excess[i]));
    }
  }

  /** Writes components {@code from} (inclusive) to {@code to} (exclusive). */
  void writeTo(DataOutput out, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      out.writeFloat(rate[i]);
      out.writeFloat(excess[i]);
    }
  }

  /**
   * Reads components {@code from} (inclusive) to {@code to} (exclusive), as {@link #writeTo(
   * DataOutput, int, int)} wrote them; the others stay as they are (nominal in a fresh calibrator,
   * for an older state without them).
   */
  void readFrom(DataInput in, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      rate[i] = in.readFloat();
      excess[i] = in.readFloat();
    }
  }
}
