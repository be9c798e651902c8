package io.vigil.common.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One measurement of one series: who sent it (tenant, source), what it measures (metric and tags),
 * when (event time, epoch millis) and its value, always finite. A {@code cumulative} point is a
 * reading of a running total (a counter): the metrics job turns a series of them into a per-second
 * rate before anything scores or alerts on it.
 */
public record MetricPoint(
    String tenant,
    String source,
    String metric,
    Map<String, String> tags,
    long timestamp,
    double value,
    boolean cumulative) {

  /** A gauge reading (not a running total). */
  public MetricPoint(
      String tenant,
      String source,
      String metric,
      Map<String, String> tags,
      long timestamp,
      double value) {
    this(tenant, source, metric, tags, timestamp, value, false);
  }

  public MetricPoint {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(metric, "metric");
    tags = tags == null ? new TreeMap<>() : new TreeMap<>(tags);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, was " + value);
    }
  }

  /** The same reading marked as a running total. */
  public MetricPoint asCumulative() {
    return new MetricPoint(tenant, source, metric, tags, timestamp, value, true);
  }

  /** The series this point belongs to; equal for every point of the same series. */
  public String series() {
    return SeriesKey.of(tenant, source, metric, tags);
  }
}
