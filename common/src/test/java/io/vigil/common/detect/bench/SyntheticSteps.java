package io.vigil.common.detect.bench;

import io.vigil.common.detect.EnsembleDetector;
import io.vigil.common.detect.Score;
import io.vigil.common.detect.SeriesDetector;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Lasting level steps in Gaussian noise (sigma 1, a point a minute): the mean steps up by k sigma
 * at point {@code start} and stays there. For each step size and start, over 20 seeds: in how many
 * the best score of the 300 points after the step reaches 0.3 and 0.4 (the metrics job's default
 * {@code detection.threshold}), which component first reached 0.3 and which gave the best score.
 * Arguments are hyperparameter overrides ({@code trendReport=8}).
 *
 * <pre>
 * java -cp common/target/test-classes:common/target/classes:$(cat common/target/runtime.classpath) \
 *   io.vigil.common.detect.bench.SyntheticSteps [name=value ...]
 * </pre>
 */
public final class SyntheticSteps {
  private static final double[] STEPS = {1, 1.5, 2, 3, 4, 6};
  private static final int[] STARTS = {300, 1_000, 5_000};
  private static final int SEEDS = 20;
  private static final int AFTER = 300;

  private SyntheticSteps() {}

  public static void main(String[] args) {
    Map<String, String> overrides = Overrides.parse(args);
    EnsembleDetector.Factory f =
        new EnsembleDetector.Factory(EnsembleDetector.Params.defaults().with(overrides));
    System.out.println(
        "step   start  best>=0.3  best>=0.4  first component >= 0.3 / best   " + overrides);
    for (int start : STARTS) {
      for (double step : STEPS) {
        int over3 = 0;
        int over4 = 0;
        Map<String, Integer> first = new TreeMap<>();
        Map<String, Integer> top = new TreeMap<>();
        for (int seed = 0; seed < SEEDS; seed++) {
          Random r = new Random(seed);
          SeriesDetector d = f.create();
          double best = 0;
          String component = "none";
          String bestComponent = "none";
          for (int i = 0; i < start + AFTER; i++) {
            double v = 10 + r.nextGaussian() + (i >= start ? step : 0);
            Score s = d.update(1_600_000_000_000L + i * 60_000L, v);
            if (i >= start) {
              if (best < 0.3 && s.score() >= 0.3) {
                component = s.component();
              }
              if (s.score() > best) {
                best = s.score();
                bestComponent = s.component();
              }
            }
          }
          over3 += best >= 0.3 ? 1 : 0;
          over4 += best >= 0.4 ? 1 : 0;
          first.merge(component, 1, Integer::sum);
          top.merge(bestComponent, 1, Integer::sum);
        }
        System.out.printf(
            "%-6s %5d  %5d/%d  %6d/%d    %s / %s%n",
            step, start, over3, SEEDS, over4, SEEDS, first, top);
      }
    }
  }
}
