package io.vigil.common.detect;

import io.vigil.common.model.Severity;
import java.io.Serializable;

/**
 * Maps scores to anomaly severities: below {@code threshold} a point is normal, then low, medium,
 * high and critical from the respective scores.
 */
public record SeverityMapping(double threshold, double medium, double high, double critical)
    implements Serializable {

  public SeverityMapping {
    if (!(0 < threshold
        && threshold <= medium
        && medium <= high
        && high <= critical
        && critical <= 1)) {
      throw new IllegalArgumentException(
          "need 0 < threshold <= medium <= high <= critical <= 1, got "
              + threshold
              + ", "
              + medium
              + ", "
              + high
              + ", "
              + critical);
    }
  }

  /** Threshold 0.4 (tail probability 1e-4), medium 0.6, high 0.8, critical 0.95. */
  public static SeverityMapping defaults() {
    return new SeverityMapping(0.4, 0.6, 0.8, 0.95);
  }

  /** Whether a score makes an anomaly. */
  public boolean isAnomaly(double score) {
    return score >= threshold;
  }

  /** The severity of an anomalous score. */
  public Severity severityOf(double score) {
    if (score >= critical) {
      return Severity.CRITICAL;
    }
    if (score >= high) {
      return Severity.HIGH;
    }
    if (score >= medium) {
      return Severity.MEDIUM;
    }
    return Severity.LOW;
  }
}
