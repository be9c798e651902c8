package io.vigil.common.alerts;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One change of an alert, upserted into {@code alerts}, published to Kafka in the shape of an
 * Alertmanager webhook alert, and notified when {@link #notifies()} is set.
 *
 * @param alertId deterministic id of the episode ({@link Fingerprint#alertId})
 * @param transition what happened: pending, firing, suppressed, acknowledged, repeat-N, escalated,
 *     resolved
 * @param idempotencyKey deterministic key of this notification (fingerprint, transition, start)
 * @param startsAt event time the episode started
 * @param endsAt processing time of the resolve, 0 while open
 * @param at processing time of this transition
 * @param group the notification group when the rule groups its notifications (a firing or a resolve
 *     of a rule with {@code group_wait}): {@link NotificationGroup#key}; empty otherwise
 * @param groupWaitMs how long a new group collects alerts before its first notification
 * @param groupIntervalMs the least time between two notifications of a group
 */
public record AlertTransition(
    String alertId,
    String fingerprint,
    String ruleId,
    String ruleName,
    String severity,
    AlertStatus status,
    String transition,
    boolean notifies,
    String idempotencyKey,
    long startsAt,
    long endsAt,
    long at,
    double value,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<String> channels,
    String group,
    long groupWaitMs,
    long groupIntervalMs) {

  public AlertTransition {
    labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
    annotations = annotations == null ? new TreeMap<>() : new TreeMap<>(annotations);
    channels = channels == null ? List.of() : List.copyOf(channels);
    group = group == null ? "" : group;
  }

  /** This transition with other annotations and notify flag; everything else unchanged. */
  public AlertTransition with(Map<String, String> newAnnotations, boolean newNotifies) {
    return new AlertTransition(
        alertId,
        fingerprint,
        ruleId,
        ruleName,
        severity,
        status,
        transition,
        newNotifies,
        idempotencyKey,
        startsAt,
        endsAt,
        at,
        value,
        labels,
        newAnnotations,
        channels,
        group,
        groupWaitMs,
        groupIntervalMs);
  }
}
