package io.vigil.common.rules;

import io.vigil.common.model.Severity;
import java.util.Objects;

/**
 * What a rule watches for. Fields not used by a kind are null or zero; {@link #validate()} says
 * which are required.
 *
 * @param op comparison for THRESHOLD and FLAPPING
 * @param threshold compared value for THRESHOLD and FLAPPING
 * @param minSeverity least anomaly severity for ANOMALY and SEQUENCE (default low)
 * @param count ANOMALY: anomalies needed within the window (1 = any single one); FLAPPING: the
 *     number of toggles that must be exceeded
 * @param windowMs ANOMALY (count &gt; 1), ABSENCE, SEQUENCE and FLAPPING window
 * @param first SEQUENCE: the selector of the first anomaly (A)
 * @param then SEQUENCE: the selector of the following anomaly (B)
 * @param groupBy ABSENCE: {@code series} or {@code source}; SEQUENCE: the tag naming the service
 *     (default {@code service}; {@code source} groups by source)
 */
public record Condition(
    ConditionKind kind,
    ComparisonOperator op,
    double threshold,
    Severity minSeverity,
    int count,
    long windowMs,
    Scope first,
    Scope then,
    String groupBy) {

  public Condition {
    Objects.requireNonNull(kind, "kind");
    minSeverity = minSeverity == null ? Severity.LOW : minSeverity;
  }

  /** Checks the fields this kind needs; the message says what to fix. */
  public Condition validate() {
    switch (kind) {
      case THRESHOLD -> require(op != null, "threshold condition needs 'op'");
      case ANOMALY -> {
        require(count >= 1, "anomaly condition needs count >= 1");
        require(count == 1 || windowMs > 0, "anomaly condition with count > 1 needs 'window'");
      }
      case ABSENCE -> {
        require(windowMs > 0, "absence condition needs 'window' > 0");
        require(
            "series".equals(groupBy) || "source".equals(groupBy),
            "absence condition 'per' must be series or source");
      }
      case SEQUENCE -> {
        require(first != null && then != null, "sequence condition needs 'first' and 'then'");
        require(windowMs > 0, "sequence condition needs 'window' > 0");
      }
      case FLAPPING -> {
        require(op != null, "flapping condition needs 'op'");
        require(count >= 1, "flapping condition needs 'toggles' >= 1");
        require(windowMs > 0, "flapping condition needs 'window' > 0");
      }
    }
    return this;
  }

  /** True when a value satisfies the THRESHOLD/FLAPPING comparison. */
  public boolean breached(double value) {
    return op != null && op.test(value, threshold);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
