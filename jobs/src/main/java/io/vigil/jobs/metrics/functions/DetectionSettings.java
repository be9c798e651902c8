package io.vigil.jobs.metrics.functions;

import io.vigil.common.detect.SeverityMapping;
import java.io.Serializable;

/**
 * The knobs of {@link ScoreSeriesFunction} besides the detector itself.
 *
 * @param severities score threshold and severity mapping
 * @param dropoutFactor silence of this many usual intervals is a dropout
 * @param dropoutMinGapMillis shortest silence reported as a dropout
 * @param seriesTtlMillis event time after the last point when the series' state is deleted
 * @param feedbackStep threshold change per false alarm (up) or confirmed anomaly (down)
 * @param maxThresholdShift upper bound of the feedback's threshold shift
 */
public record DetectionSettings(
    SeverityMapping severities,
    double dropoutFactor,
    long dropoutMinGapMillis,
    long seriesTtlMillis,
    double feedbackStep,
    double maxThresholdShift)
    implements Serializable {

  /** Points needed before a series' interval is trusted for dropout detection. */
  static final int DROPOUT_WARMUP = 10;

  /** The threshold shift after one more verdict. */
  double shiftAfter(double shift, boolean truePositive) {
    double next = truePositive ? shift - feedbackStep : shift + feedbackStep;
    return Math.max(0.0, Math.min(maxThresholdShift, next));
  }
}
