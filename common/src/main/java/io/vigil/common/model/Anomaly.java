package io.vigil.common.model;

import java.util.Map;

/**
 * A point whose anomaly score crossed the threshold, with the evidence and the model that found it.
 *
 * @param id name-based UUID of series, event time and model version: a replay yields the same id
 * @param series canonical series key ({@link SeriesKey})
 * @param timestamp event time of the point, epoch millis
 * @param explanationJson JSON object: actual, expected, band, detector, component, why
 */
public record Anomaly(
    String id,
    String tenant,
    String source,
    String metric,
    Map<String, String> tags,
    String series,
    long timestamp,
    double value,
    double score,
    Severity severity,
    String modelAlgorithm,
    String modelVersion,
    String explanationJson) {}
