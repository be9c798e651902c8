package io.vigil.jobs.config;

import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.RobustEwmaDetector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The detectors a job can be configured with, by name. */
public final class DetectorChoice {
  private static final Map<String, Supplier<DetectorFactory>> CHOICES = new LinkedHashMap<>();

  static {
    CHOICES.put(
        "robust-ewma", () -> new RobustEwmaDetector.Factory(RobustEwmaDetector.Params.defaults()));
  }

  private DetectorChoice() {}

  /** Names accepted by {@code detection.detector}. */
  public static List<String> names() {
    return List.copyOf(CHOICES.keySet());
  }

  /** The factory for a name, or null when there is none. */
  public static DetectorFactory byName(String name) {
    Supplier<DetectorFactory> s = CHOICES.get(name);
    return s == null ? null : s.get();
  }
}
