package io.vigil.jobs.alerts;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.alerts.notify.NotificationResult;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The streams the alerting pipeline produces, for callers that want more sinks, and its broadcast
 * control plane for stages that need the rules too (alerts from Alertmanager).
 */
public record AlertingOutputs(
    DataStream<AlertTransition> transitions,
    DataStream<NotificationResult> notificationResults,
    DataStream<RuleEvent> lateEvents,
    BroadcastStream<ControlSnapshot> control) {}
