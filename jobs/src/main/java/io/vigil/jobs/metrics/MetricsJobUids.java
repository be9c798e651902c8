package io.vigil.jobs.metrics;

/**
 * Stable operator uids of {@link MetricsAnomalyJob}: frozen once released, state hangs off them.
 */
public final class MetricsJobUids {
  private MetricsJobUids() {}

  public static final String SOURCE = "metrics-source";
  public static final String PARSE = "parse-metrics";
  public static final String COUNTERS = "counter-readings";
  public static final String COUNTER_RATES = "counter-rates";
  public static final String GAUGES = "gauge-readings";
  public static final String HISTOGRAM_BUCKETS = "histogram-buckets";
  public static final String HISTOGRAM_QUANTILES = "histogram-quantiles";
  public static final String HISTOGRAM_TOTALS = "histogram-totals";
  public static final String HISTOGRAM_GAUGES = "histogram-gauges";
  public static final String FEEDBACK_SOURCE = "feedback-source";
  public static final String PARSE_FEEDBACK = "parse-feedback";
  public static final String SCORE = "score-series";
  public static final String FEEDBACK_SINK = "postgres-feedback-sink";
  public static final String LATE_TO_DEAD_LETTERS = "late-points-to-dead-letters";
  public static final String POINTS_SINK = "influxdb-data-points-sink";
  public static final String ANOMALIES_SINK = "postgres-anomalies-sink";
  public static final String DEAD_LETTER_SINK = "metrics-dead-letter-sink";
}
