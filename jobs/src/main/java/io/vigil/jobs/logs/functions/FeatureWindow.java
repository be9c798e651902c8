package io.vigil.jobs.logs.functions;

/**
 * A row of {@code feature_windows}: the features of one (tenant, service) window as JSON, under a
 * name-based id, so a replay upserts the same row.
 */
public record FeatureWindow(
    String id,
    String tenant,
    String service,
    long windowStart,
    int windowSeconds,
    String featuresJson) {}
