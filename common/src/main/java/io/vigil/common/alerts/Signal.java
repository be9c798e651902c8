package io.vigil.common.alerts;

import java.util.Map;
import java.util.TreeMap;

/**
 * One evaluation result for a rule on a group, the input of the alert lifecycle.
 *
 * @param fingerprint stable id of (rule, group labels); the lifecycle's key
 * @param timestamp event time the signal refers to (epoch millis)
 * @param labels group labels: alertname, tenant, source, metric, tags...
 * @param detail what the matched events said, for people: the anomaly's explanation ("why"); empty
 *     for points
 * @param anomalyId the id of the anomaly the detail comes from; empty for points
 */
public record Signal(
    String fingerprint,
    String ruleId,
    long ruleVersion,
    SignalType type,
    long timestamp,
    double value,
    Map<String, String> labels,
    String detail,
    String anomalyId) {

  public Signal {
    labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
    detail = detail == null ? "" : detail;
    anomalyId = anomalyId == null ? "" : anomalyId;
  }
}
