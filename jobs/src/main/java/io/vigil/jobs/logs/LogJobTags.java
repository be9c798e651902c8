package io.vigil.jobs.logs;

import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.logs.functions.LogAnomaly;
import io.vigil.jobs.logs.functions.TemplateRow;
import org.apache.flink.util.OutputTag;

/** Side outputs of {@link LogAnomalyJob}. */
public final class LogJobTags {
  private LogJobTags() {}

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("log-dead-letters") {};
  public static final OutputTag<LogEvent> LATE = new OutputTag<>("late-logs") {};
  public static final OutputTag<TemplateRow> TEMPLATES = new OutputTag<>("template-rows") {};
  public static final OutputTag<ErrorGroupRow> ERROR_GROUPS =
      new OutputTag<>("error-group-rows") {};
  public static final OutputTag<LogAnomaly> ANOMALIES = new OutputTag<>("log-anomalies") {};
}
