package io.vigil.common.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Online robust level and scale of a series: an EWMA of the value and of the absolute residual,
 * with residuals clipped once warm so that outliers do not drag the baseline. Shared by the level,
 * change-point and ensemble detectors; 24 bytes of state.
 */
final class RobustLevel {
  /** Mean absolute deviation of a normal distribution is sigma * sqrt(2/pi). */
  static final double MAD_TO_SIGMA = Math.sqrt(Math.PI / 2.0);

  private double level;
  private double absDev;
  private long count;

  double level() {
    return level;
  }

  long count() {
    return count;
  }

  /** Robust standard deviation, never below the floors so constant series do not divide by 0. */
  double sigma(double minSigma, double relativeFloor) {
    double floor = Math.max(minSigma, Math.abs(level) * relativeFloor);
    return Math.max(absDev * MAD_TO_SIGMA, floor);
  }

  /**
   * Learns {@code value}. The first {@code warmup} points are averaged (alpha = 1/n) so the level
   * starts unbiased; afterwards the residual is clipped to {@code clip} sigmas.
   */
  void learn(double value, double alpha, double beta, int warmup, double clip, double sigma) {
    if (count == 0) {
      level = value;
      count = 1;
      return;
    }
    double residual = value - level;
    count++;
    if (count <= warmup) {
      double a = Math.max(alpha, 1.0 / count);
      double b = Math.max(beta, 1.0 / count);
      level += a * residual;
      absDev += b * (Math.abs(residual) - absDev);
      return;
    }
    double limit = clip * sigma;
    double clipped = Math.max(-limit, Math.min(limit, residual));
    level += alpha * clipped;
    absDev += beta * (Math.abs(clipped) - absDev);
  }

  /** Starts a new level at {@code value}, keeping the scale; the next points are averaged again. */
  void restart(double value) {
    level = value;
    count = 1;
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeDouble(level);
    out.writeDouble(absDev);
    out.writeLong(count);
  }

  void readFrom(DataInput in) throws IOException {
    level = in.readDouble();
    absDev = in.readDouble();
    count = in.readLong();
  }
}
