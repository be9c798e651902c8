package io.vigil.jobs.core;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * Vigil's metric group: every counter and gauge of the jobs is registered in it (Prometheus sees
 * {@code flink_taskmanager_job_task_operator_vigil_<name>}, which docker/prometheus's health rules
 * read), so no operator picks a group of its own.
 */
public final class VigilMetrics {
  public static final String GROUP = "vigil";

  private VigilMetrics() {}

  /** The group of a function's subtask. */
  public static MetricGroup of(RuntimeContext ctx) {
    return of(ctx.getMetricGroup());
  }

  /** The group below an operator's (or a sink writer's) metric group. */
  public static MetricGroup of(MetricGroup operator) {
    return operator.addGroup(GROUP);
  }
}
