package io.vigil.jobs.config;

import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.Detectors;
import java.util.List;
import java.util.Map;

/** The detectors a job can be configured with, by name (the catalogue in {@link Detectors}). */
public final class DetectorChoice {
  private DetectorChoice() {}

  /** Names accepted by {@code detection.detector}. */
  public static List<String> names() {
    return Detectors.ALGORITHMS;
  }

  /** The default-configured factory for a name, or null when there is none. */
  public static DetectorFactory byName(String name) {
    return Detectors.ALGORITHMS.contains(name) ? Detectors.factory(name, Map.of()) : null;
  }
}
