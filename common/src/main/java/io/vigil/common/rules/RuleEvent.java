package io.vigil.common.rules;

import java.util.Map;
import java.util.TreeMap;

/**
 * A metric point or anomaly seen through one rule: the input of the per-kind evaluators. It carries
 * the rule parameters the evaluator needs, so the CEP patterns can stay static while rules change
 * at run time.
 *
 * @param groupKey evaluator key: rule id, rule version and fingerprint; a changed rule starts fresh
 *     partial matches under a new key
 * @param fingerprint alert identity (rule id + group labels), stable across rule versions
 * @param hit the rule's per-event predicate (breach, qualifying anomaly)
 * @param tag SEQUENCE: {@code A} or {@code B}; empty otherwise
 * @param windowMs for-duration (THRESHOLD_FOR) or window of the condition
 * @param count k of ANOMALY_COUNT, toggles to exceed for FLAPPING
 * @param detail for people: the anomaly's explanation ("why"); empty for points
 * @param anomalyId the anomaly's id (its {@code anomalies} row); empty for points
 */
public record RuleEvent(
    String groupKey,
    String fingerprint,
    String ruleId,
    long ruleVersion,
    Route route,
    long timestamp,
    double value,
    boolean hit,
    String tag,
    long windowMs,
    int count,
    Map<String, String> labels,
    String detail,
    String anomalyId) {

  public RuleEvent {
    tag = tag == null ? "" : tag;
    labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
    detail = detail == null ? "" : detail;
    anomalyId = anomalyId == null ? "" : anomalyId;
  }

  /** Another point of the same series seen through the same rule. */
  public RuleEvent withPoint(long timestamp, double value, boolean hit) {
    return new RuleEvent(
        groupKey,
        fingerprint,
        ruleId,
        ruleVersion,
        route,
        timestamp,
        value,
        hit,
        tag,
        windowMs,
        count,
        labels,
        detail,
        anomalyId);
  }
}
