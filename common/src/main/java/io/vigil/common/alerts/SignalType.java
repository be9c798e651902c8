package io.vigil.common.alerts;

/** What an evaluator says about a rule on one group (series, source or service). */
public enum SignalType {
  /** The raw condition is true now (a threshold breach), not yet held for the for-duration. */
  HIT,
  /** The rule's full condition matched: the alert fires. */
  FIRE,
  /** The raw condition is false now (or data came back after an absence). */
  CLEAR
}
