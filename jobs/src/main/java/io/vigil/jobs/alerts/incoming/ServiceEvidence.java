package io.vigil.jobs.alerts.incoming;

import io.vigil.common.alerts.AlertAnalysis;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.model.Anomaly;

/**
 * What explains a service's Alertmanager alerts, keyed by that service ({@link
 * IncomingAlert#serviceKey}): an anomaly Vigil found on it, an alert Vigil's rules raised on it, or
 * an error group of its logs.
 */
public record ServiceEvidence(String serviceKey, AlertAnalysis.Evidence evidence) {

  public static ServiceEvidence of(Anomaly a) {
    return new ServiceEvidence(
        IncomingAlert.serviceKey(a.tenant(), a.source()), AlertAnalysis.Evidence.of(a));
  }

  /** An alert of Vigil's rules; only those {@link AlertAnalysis#raised} are evidence. */
  public static ServiceEvidence of(AlertTransition t) {
    return new ServiceEvidence(
        IncomingAlert.serviceKey(
            t.labels().getOrDefault("tenant", ""), t.labels().getOrDefault("source", "")),
        AlertAnalysis.Evidence.of(t));
  }

  /** An error group of the log job, timed at its first occurrence. */
  public static ServiceEvidence of(ErrorGroupRow g) {
    return new ServiceEvidence(
        IncomingAlert.serviceKey(g.tenant(), g.service()), AlertAnalysis.Evidence.of(g));
  }
}
