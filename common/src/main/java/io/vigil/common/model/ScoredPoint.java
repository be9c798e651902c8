package io.vigil.common.model;

/** A metric point with the anomaly score its series detector gave it; written to InfluxDB. */
public record ScoredPoint(MetricPoint point, double score) {}
