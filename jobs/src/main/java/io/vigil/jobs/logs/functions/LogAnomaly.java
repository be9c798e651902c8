package io.vigil.jobs.logs.functions;

import io.vigil.common.model.Anomaly;

/**
 * An anomalous log window: the anomaly row (kind {@code log}) and the feature window it refers to,
 * which the sink writes first in the same statement so the foreign key always holds.
 */
public record LogAnomaly(Anomaly anomaly, FeatureWindow window) {}
