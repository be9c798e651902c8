package io.vigil.common.model;

/**
 * An on-call engineer's verdict on an anomaly: a real problem or a false alarm.
 *
 * @param id deterministic id of this verdict (for an idempotent upsert into {@code feedback})
 * @param anomalyId the anomaly judged
 * @param series canonical series key of that anomaly, so the verdict reaches its detector
 * @param truePositive true for a real problem, false for a false alarm
 * @param author who said so, may be empty
 * @param notes free text, may be empty
 * @param timestamp when the verdict was given, epoch millis
 */
public record Feedback(
    String id,
    String anomalyId,
    String series,
    boolean truePositive,
    String author,
    String notes,
    long timestamp) {}
