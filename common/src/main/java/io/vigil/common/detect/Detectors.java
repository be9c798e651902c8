package io.vigil.common.detect;

import java.util.List;
import java.util.Map;

/** The catalogue of detector algorithms by name, each with its defaults and named overrides. */
public final class Detectors {
  /** Names accepted by {@link #factory}. */
  public static final List<String> ALGORITHMS =
      List.of("ensemble", "robust-ewma", "seasonal", "change-point");

  private Detectors() {}

  /** The factory of {@code algorithm} with its defaults replaced by {@code overrides}. */
  public static DetectorFactory factory(String algorithm, Map<String, String> overrides) {
    return switch (algorithm) {
      case "ensemble" ->
          new EnsembleDetector.Factory(EnsembleDetector.Params.defaults().with(overrides));
      case "robust-ewma" ->
          new RobustEwmaDetector.Factory(
              RecordParams.with(RobustEwmaDetector.Params.defaults(), overrides));
      case "seasonal" ->
          new SeasonalDetector.Factory(
              RecordParams.with(SeasonalDetector.Params.defaults(), overrides));
      case "change-point" ->
          new ChangePointDetector.Factory(
              RecordParams.with(ChangePointDetector.Params.defaults(), overrides));
      default ->
          throw new IllegalArgumentException(
              "unknown detector '" + algorithm + "'; known: " + ALGORITHMS);
    };
  }
}
