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
 */
public record DetectionSettings(
    SeverityMapping severities,
    double dropoutFactor,
    long dropoutMinGapMillis,
    long seriesTtlMillis)
    implements Serializable {

  /** Points needed before a series' interval is trusted for dropout detection. */
  static final int DROPOUT_WARMUP = 10;
}
