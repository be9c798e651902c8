package io.vigil.common.detect;

import java.io.DataOutput;
import java.io.IOException;

/**
 * The online, causal anomaly detector of one series: it sees each point once, in order, and keeps
 * all it knows in a small state that {@link #writeTo} serializes for Flink keyed state.
 */
public interface SeriesDetector {

  /** Scores the point and then learns from it. Never throws for finite input. */
  Score update(long timestampMillis, double value);

  /** Writes the whole state, versioned, so {@link DetectorFactory#restore} rebuilds it exactly. */
  void writeTo(DataOutput out) throws IOException;

  /**
   * Tells the detector whether its latest detection was a real problem ({@code true}) or a false
   * alarm ({@code false}), so it can tune its sensitivity for this series. Detectors without a
   * notion of sensitivity ignore it; the feedback is then part of no state.
   */
  default void feedback(boolean truePositive) {}
}
