package io.vigil.jobs.logs;

/** Stable operator uids of {@link LogAnomalyJob}: frozen once released, state hangs off them. */
public final class LogJobUids {
  private LogJobUids() {}

  public static final String SOURCE = "logs-source";
  public static final String PARSE = "parse-logs";
  public static final String MINE = "mine-templates";
  public static final String SCORE = "score-log-windows";
  public static final String LATE_TO_DEAD_LETTERS = "late-logs-to-dead-letters";
  public static final String TEMPLATES_SINK = "postgres-log-templates-sink";
  public static final String ERROR_GROUPS_SINK = "postgres-error-groups-sink";
  public static final String ERROR_GROUPS_KAFKA_SINK = "logs-error-groups-kafka-sink";
  public static final String FEATURE_WINDOWS_SINK = "postgres-feature-windows-sink";
  public static final String ANOMALIES_SINK = "postgres-log-anomalies-sink";
  public static final String DEAD_LETTER_SINK = "logs-dead-letter-sink";
  public static final String ANOMALIES_FOR_ALERTING = "log-anomalies-for-alerting";
  public static final String ANOMALIES_FOR_KAFKA = "log-anomalies-for-kafka";
}
