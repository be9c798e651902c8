package io.vigil.jobs.metrics.functions;

/**
 * Everything kept per series: arrival bookkeeping for dropout detection and the detector's own
 * serialized state. About 100 bytes with the robust EWMA detector.
 *
 * @param count points seen
 * @param lastTimestamp event time of the newest point
 * @param meanInterval EWMA of the time between points, millis
 * @param timer the event-time timer currently registered (dropout check or cleanup)
 * @param dropoutReported whether the current silence was already reported
 * @param lastValue newest value, for the dropout explanation
 * @param detector the detector's state as written by {@code SeriesDetector.writeTo}
 * @param thresholdShift how much on-call feedback raised this series' anomaly threshold
 */
public record SeriesState(
    long count,
    long lastTimestamp,
    double meanInterval,
    long timer,
    boolean dropoutReported,
    double lastValue,
    byte[] detector,
    double thresholdShift) {}
