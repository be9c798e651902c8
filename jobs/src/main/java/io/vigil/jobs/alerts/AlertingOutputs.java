package io.vigil.jobs.alerts;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.alerts.notify.NotificationResult;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The streams the alerting pipeline produces, for callers that want more sinks. */
public record AlertingOutputs(
    DataStream<AlertTransition> transitions,
    DataStream<NotificationResult> notificationResults,
    DataStream<RuleEvent> lateEvents) {}
