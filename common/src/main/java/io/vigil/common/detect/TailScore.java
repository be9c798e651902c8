package io.vigil.common.detect;

import org.apache.commons.math3.special.Erf;

/**
 * Turns a standardized deviation into Vigil's calibrated score: {@code -log10(p) / 10}, capped at
 * 1, where {@code p} is the two-sided Gaussian tail probability of the deviation. A score of 0.4
 * means "one in ten thousand", 0.6 "one in a million", 1.0 "one in 10^10 or rarer".
 */
public final class TailScore {

  private static final double SQRT2 = Math.sqrt(2.0);
  private static final double DECADES = 10.0;
  private static final double LN10 = Math.log(10.0);

  /** The surprise (nats) at which scores saturate at 1: a tail probability of 10^-10. */
  public static final double SATURATION = DECADES * LN10;

  private static final double LN_SQRT_HALF_PI = 0.5 * Math.log(Math.PI / 2.0);

  private static final double TABLE_MAX = 2.0;
  private static final int TABLE_STEPS = 256;
  private static final double[] SMALL = new double[TABLE_STEPS + 1];

  static {
    for (int k = 0; k <= TABLE_STEPS; k++) {
      SMALL[k] = -Math.log(Erf.erfc(k * TABLE_MAX / TABLE_STEPS / SQRT2));
    }
  }

  private TailScore() {}

  /** Two-sided tail probability of a standard normal deviation {@code z}. */
  public static double twoSidedTail(double z) {
    return Erf.erfc(Math.abs(z) / SQRT2);
  }

  /** Score in [0, 1] for a standardized deviation {@code z}. */
  public static double fromZ(double z) {
    if (Double.isNaN(z)) {
      return 0.0;
    }
    double p = twoSidedTail(z);
    if (p <= 0.0) {
      return 1.0;
    }
    return fromTailProbability(p);
  }

  /**
   * Surprise {@code -ln p} of a standardized deviation, with {@code p} its two-sided Gaussian tail
   * probability; beyond the range where {@code erfc} is representable it follows the asymptotic
   * expansion of the Mills ratio, so very large deviations keep ranking above large ones.
   */
  public static double surpriseOfZ(double z) {
    double a = Math.abs(z);
    if (Double.isNaN(a)) {
      return 0.0;
    }
    if (a < TABLE_MAX) {
      // Most points are ordinary; erfc is costly, so they interpolate a table of exact values.
      double x = a * TABLE_STEPS / TABLE_MAX;
      int k = (int) x;
      return SMALL[k] + (x - k) * (SMALL[k + 1] - SMALL[k]);
    }
    if (a < 26.0) {
      return -Math.log(Erf.erfc(a / SQRT2));
    }
    // Two-sided tail ~ 2 phi(a) / a: -ln p = a^2/2 + ln(a) + ln(sqrt(pi/2)).
    return 0.5 * a * a + Math.log(a) + LN_SQRT_HALF_PI;
  }

  /** Score in [0, 1] for a surprise {@code -ln p}. */
  public static double fromSurprise(double surprise) {
    return Math.max(0.0, Math.min(1.0, surprise / SATURATION));
  }

  /** Score in [0, 1] for a tail probability {@code p} in (0, 1]. */
  public static double fromTailProbability(double p) {
    if (!(p > 0.0)) {
      return 1.0;
    }
    double s = -Math.log10(Math.min(1.0, p)) / DECADES;
    return Math.max(0.0, Math.min(1.0, s));
  }
}
