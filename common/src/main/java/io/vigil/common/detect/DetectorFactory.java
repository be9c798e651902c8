package io.vigil.common.detect;

import java.io.DataInput;
import java.io.IOException;
import java.util.Map;

/**
 * A configured detector model: the algorithm, its version and typed hyperparameters (recorded in
 * {@code ml_models}), and the factory of per-series detectors that share them.
 */
public interface DetectorFactory extends java.io.Serializable {

  /** Algorithm name, for example {@code robust-ewma}. */
  String algorithm();

  /** Version of algorithm plus hyperparameters; part of every anomaly id. */
  String version();

  /** The hyperparameters as recorded in {@code ml_models.hyperparameters}. */
  Map<String, Object> hyperparameters();

  /** A fresh detector for a series never seen before. */
  SeriesDetector create();

  /** Rebuilds a detector from what {@link SeriesDetector#writeTo} wrote. */
  SeriesDetector restore(DataInput in) throws IOException;
}
