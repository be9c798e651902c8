package io.vigil.jobs.drift;

/**
 * One drift event as it stands after a report: opened, changed, or resolved. Upserted by {@code id}
 * into {@code drift_events}; {@code updatedAt} (the report's time) orders replays.
 *
 * @param changesJson the changed properties, a JSON array ({@code DriftDiff.json})
 * @param resolvedAt 0 while open
 * @param resolutionType {@code reverted} (the running resource went back to the code), {@code
 *     codified} (the code now says what runs), or empty while open
 */
public record DriftRow(
    String id,
    String environment,
    String resource,
    String resourceType,
    String service,
    String driftType,
    String declaredJson,
    String actualJson,
    String changesJson,
    String severity,
    double severityScore,
    String changedBy,
    String commit,
    long detectedAt,
    long resolvedAt,
    String resolutionType,
    long updatedAt) {}
