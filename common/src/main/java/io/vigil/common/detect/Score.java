package io.vigil.common.detect;

/**
 * What a detector says about one point: an anomaly score in [0, 1] and the evidence behind it.
 *
 * @param score anomaly score in [0, 1]; 0 while warming up
 * @param expected the value the detector expected at this point
 * @param lower lower edge of the normal band
 * @param upper upper edge of the normal band
 * @param component which part of the detector produced the score (for example "level", "shift")
 * @param reason a short human sentence saying why, or "" when the point is normal
 */
public record Score(
    double score, double expected, double lower, double upper, String component, String reason) {

  /** A point scored during warm-up: nothing can be said about it yet. */
  public static Score warmingUp(double value) {
    return new Score(0.0, value, value, value, "warmup", "");
  }

  public Score {
    if (!(score >= 0.0 && score <= 1.0)) {
      throw new IllegalArgumentException("score must be in [0, 1], was " + score);
    }
  }
}
