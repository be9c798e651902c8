package io.vigil.common.alerts;

import java.util.Locale;

/** Where an alert is in its lifecycle; stored lower-case in {@code alerts.status}. */
public enum AlertStatus {
  /** The condition is true but has not held for the rule's for-duration yet. */
  PENDING,
  /** The condition held; notifications go out. */
  FIRING,
  /** Firing, and someone acknowledged it: no re-notification, no escalation. */
  ACKNOWLEDGED,
  /** Firing, but a silence or maintenance window (or the cooldown) matches: no notification. */
  SUPPRESSED,
  /** The condition cleared for the auto-resolve time, or the rule was removed. */
  RESOLVED;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True while the alert is open (the condition is considered active). */
  public boolean active() {
    return this == FIRING || this == ACKNOWLEDGED || this == SUPPRESSED;
  }
}
