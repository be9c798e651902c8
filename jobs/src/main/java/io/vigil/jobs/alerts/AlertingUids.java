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
  public static final String ALERTMANAGER_VIGIL_ALERT_EVIDENCE =
      "alertmanager-vigil-alert-evidence";
  public static final String ALERTMANAGER_JDBC_SINK = "alertmanager-alerts-jdbc-sink";
  public static final String ALERTMANAGER_DEAD_LETTERS = "alertmanager-dead-letter-sink";

  /**
   * The uid of an operator that reads back a topic Vigil's jobs publish to ({@code what}:
   * anomalies, alerts, error-groups; {@code operator}: source, parse, dead-letter-sink), e.g.
   * {@code published-anomalies-source}.
   */
  public static String published(String what, String operator) {
    return "published-" + what + "-" + operator;
  }

  /** The late-tolerance step chained before the CEP operator of the given uid. */
  public static String lateTolerance(String cepUid) {
    return cepUid + "-late-tolerance";
  }

  private AlertingUids() {}
}
