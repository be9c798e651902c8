package io.vigil.common.rules;

import java.util.Locale;

/** The kinds of alert condition; each is evaluated by one fixed CEP pattern or keyed function. */
public enum ConditionKind {
  /** A metric value compared to a threshold, held for the rule's for-duration. */
  THRESHOLD,
  /** Anomalies of at least a severity: a single one, or k of them within a window. */
  ANOMALY,
  /** No data from a series or a source for a window (deadman). */
  ABSENCE,
  /** An anomaly matching A followed by one matching B within a window, on the same group. */
  SEQUENCE,
  /** A threshold condition toggling more than n times within a window. */
  FLAPPING;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ConditionKind parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
