package io.vigil.common.rules;

/** Which fixed evaluator (CEP pattern or keyed function) a rule event goes to. */
public enum Route {
  /** Threshold held for the rule's for-duration (CEP). */
  THRESHOLD_FOR,
  /** One qualifying event fires: threshold with no for-duration, single anomaly (CEP). */
  SINGLE_HIT,
  /** k anomalies within a window (CEP). */
  ANOMALY_COUNT,
  /** Anomaly A followed by anomaly B within a window (CEP). */
  SEQUENCE,
  /** Condition toggling more than n times within a window (CEP). */
  FLAPPING,
  /** No data for a window (keyed processing-time timer). */
  ABSENCE
}
