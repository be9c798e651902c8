package io.vigil.jobs.metrics;

import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Feedback;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import org.apache.flink.util.OutputTag;

/** Side outputs of {@link MetricsAnomalyJob}. */
public final class MetricsJobTags {
  private MetricsJobTags() {}

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
  public static final OutputTag<Anomaly> ANOMALIES = new OutputTag<>("anomalies") {};
  public static final OutputTag<MetricPoint> LATE = new OutputTag<>("late-points") {};
  public static final OutputTag<Feedback> APPLIED_FEEDBACK = new OutputTag<>("applied-feedback") {};
}
