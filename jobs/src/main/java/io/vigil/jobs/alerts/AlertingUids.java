package io.vigil.jobs.alerts;

/** Stable operator uids of the alerting pipeline; frozen once released (savepoints map by uid). */
public final class AlertingUids {
  public static final String CONTROL_SOURCE = "alerting-control-plane-source";
  public static final String POINT_ROUTER = "alerting-point-rule-router";
  public static final String ANOMALY_ROUTER = "alerting-anomaly-rule-router";
  public static final String THRESHOLD_CHANGES = "alerting-threshold-changes";
  public static final String CEP_THRESHOLD_FOR = "alerting-cep-threshold-for";
  public static final String CEP_SINGLE_HIT = "alerting-cep-single-hit";
  public static final String CEP_ANOMALY_COUNT = "alerting-cep-anomaly-count";
  public static final String CEP_SEQUENCE = "alerting-cep-sequence";
  public static final String FLAPPING_CHANGES = "alerting-flapping-changes";
  public static final String CEP_FLAPPING = "alerting-cep-flapping";
  public static final String ABSENCE = "alerting-absence";
  public static final String LATE_COUNTER = "alerting-late-event-counter";
  public static final String LATE_TO_DEAD_LETTERS = "alerting-late-to-dead-letters";
  public static final String LATE_DEAD_LETTER_SINK = "alerting-late-dead-letter-sink";
  public static final String LIFECYCLE = "alerting-lifecycle";
  public static final String RATE_LIMIT = "alerting-rule-rate-limit";
  public static final String INHIBITION = "alerting-inhibition";
  public static final String FAN_OUT = "alerting-notification-fan-out";
  public static final String NOTIFY = "alerting-notify-async";
  public static final String NOTIFICATION_GROUPS = "alerting-notification-groups";
  public static final String ALERTS_KAFKA_SINK = "alerting-alerts-kafka-sink";
  public static final String ALERTS_JDBC_SINK = "alerting-alerts-jdbc-sink";
  public static final String RESULTS_SINK = "alerting-notification-results-sink";
  public static final String ALERTMANAGER_SOURCE = "alertmanager-source";
  public static final String ALERTMANAGER_PARSE = "alertmanager-parse";
  public static final String ALERTMANAGER_SIGHTINGS_INPUT = "alertmanager-sightings-input";
  public static final String ALERTMANAGER_RULES = "alertmanager-analyze-rules";
  public static final String ALERTMANAGER_ANALYSIS = "alertmanager-analysis";
  public static final String ALERTMANAGER_ANOMALY_EVIDENCE = "alertmanager-anomaly-evidence";
  public static final String PUBLISHED_ALERTS_SOURCE = "published-alerts-source";
  public static final String PUBLISHED_ALERTS_PARSE = "published-alerts-parse";
  public static final String PUBLISHED_ALERTS_DEAD_LETTERS = "published-alerts-dead-letter-sink";
  public static final String PUBLISHED_ERROR_GROUPS_SOURCE = "published-error-groups-source";
  public static final String PUBLISHED_ERROR_GROUPS_PARSE = "published-error-groups-parse";
  public static final String PUBLISHED_ERROR_GROUPS_DEAD_LETTERS =
      "published-error-groups-dead-letter-sink";
  public static final String ALERTMANAGER_VIGIL_ALERT_EVIDENCE =
      "alertmanager-vigil-alert-evidence";
  public static final String ALERTMANAGER_JDBC_SINK = "alertmanager-alerts-jdbc-sink";
  public static final String ALERTMANAGER_DEAD_LETTERS = "alertmanager-dead-letter-sink";
  public static final String PUBLISHED_ANOMALIES_SOURCE = "published-anomalies-source";
  public static final String PUBLISHED_ANOMALIES_PARSE = "published-anomalies-parse";
  public static final String PUBLISHED_ANOMALIES_DEAD_LETTERS =
      "published-anomalies-dead-letter-sink";

  /** The late-tolerance step chained before the CEP operator of the given uid. */
  public static String lateTolerance(String cepUid) {
    return cepUid + "-late-tolerance";
  }

  private AlertingUids() {}
}
