package io.vigil.jobs.alerts.incoming;

import io.vigil.common.alerts.IncomingAlert;

/**
 * One change of an alert from Alertmanager, bound for {@code alerts}: it started firing, resolved,
 * or its analysis grew (an anomaly of its service arrived after it).
 *
 * @param analysisJson the analysis, or null when this change does not touch it
 * @param analyzedAt when the analysis was made (processing time), 0 with no analysis
 * @param transition {@code firing}, {@code resolved} or {@code analysis}
 * @param at when Vigil saw the change (the Kafka timestamp of the notification, or processing time
 *     for a re-analysis)
 */
public record IncomingAlertRow(
    IncomingAlert alert, String analysisJson, long analyzedAt, String transition, long at) {}
