package io.vigil.common.rules;

import io.vigil.common.model.Severity;
import java.util.List;
import java.util.Objects;

/**
 * One alert rule as stored in {@code alert_rules}: what to watch (scope, condition), how bad it is,
 * where to notify and the timings of the alert lifecycle. Durations are milliseconds.
 *
 * @param version increases whenever the rule row changes (updated_at, epoch millis)
 * @param forMs how long a threshold must hold before the alert fires (Prometheus {@code for})
 * @param repeatMs re-notification interval while firing and not acknowledged (0 = never)
 * @param cooldownMs suppress duration: a new firing within this time after a resolve is not
 *     notified again
 * @param maxPerHour notifications per sliding hour for the rule, all its alerts together, and so
 *     also for each alert (0 = unlimited)
 * @param autoResolveMs how long the condition must stay clear before the alert resolves
 * @param escalationMs time firing without acknowledgement before escalation (0 = never)
 */
public record AlertRule(
    String id,
    String name,
    String tenant,
    boolean enabled,
    long version,
    Scope scope,
    Condition condition,
    Severity severity,
    List<String> channels,
    long forMs,
    long repeatMs,
    long cooldownMs,
    int maxPerHour,
    long autoResolveMs,
    long escalationMs,
    String description,
    String runbookUrl,
    List<String> groupBy,
    long groupWaitMs,
    long groupIntervalMs) {

  public AlertRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(condition, "condition");
    name = name == null ? id : name;
    scope = scope == null ? Scope.ANY : scope;
    severity = severity == null ? Severity.MEDIUM : severity;
    channels = channels == null ? List.of() : List.copyOf(channels);
    description = description == null ? "" : description;
    runbookUrl = runbookUrl == null ? "" : runbookUrl;
    groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    if (groupWaitMs < 0 || groupIntervalMs < 0) {
      throw new IllegalArgumentException(
          "rule " + id + ": group_wait and group_interval must not be negative");
    }
    if (groupWaitMs > 0 && groupIntervalMs == 0) {
      groupIntervalMs = DEFAULT_GROUP_INTERVAL_MS;
    }
    if (forMs < 0 || repeatMs < 0 || cooldownMs < 0 || autoResolveMs < 0 || escalationMs < 0) {
      throw new IllegalArgumentException("rule " + id + ": durations must not be negative");
    }
  }

  /** Alertmanager's default: a group's next notification at least 5 minutes after the last. */
  public static final long DEFAULT_GROUP_INTERVAL_MS = 300_000;

  /**
   * True when the rule's firing and resolved notifications are grouped ({@code group_wait > 0}).
   */
  public boolean grouped() {
    return groupWaitMs > 0;
  }

  /** True for a rule of this tenant (a null, empty or {@code *} tenant means every tenant). */
  public boolean appliesToTenant(String t) {
    return tenant == null || tenant.isEmpty() || "*".equals(tenant) || tenant.equals(t);
  }
}
