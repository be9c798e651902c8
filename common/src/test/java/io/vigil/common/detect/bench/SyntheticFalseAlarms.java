package io.vigil.common.detect.bench;

import io.vigil.common.detect.EnsembleDetector;
import io.vigil.common.detect.Score;
import io.vigil.common.detect.SeriesDetector;
import java.util.Map;
import java.util.Random;

/**
 * False alarms of the ensemble on anomaly-free synthetic series (noise, autocorrelated, trending,
 * intermittent and cyclic ones): 20,000 points a minute apart (the cyclic ones 5 minutes apart, 69
 * days, so the daily and weekly profiles are tested), alarms (score >= 0.3, and >= 0.35) after
 * point 3,000, mean of 5 seeds, and how many of them the burst component raised. Arguments are
 * hyperparameter overrides ({@code componentMask=11}).
 *
 * <pre>
 * java -cp common/target/test-classes:common/target/classes:$(cat common/target/runtime.classpath) \
 *   io.vigil.common.detect.bench.SyntheticFalseAlarms [name=value ...]
 * </pre>
 */
public final class SyntheticFalseAlarms {
  private static final String[] KINDS = {
    "gaussian",
    "student-t3",
    "lognormal",
    "poisson2",
    "ar0.9",
    "ar0.99",
    "random-walk",
    "trend",
    "counter",
    "growth",
    "sparse-errors",
    "onoff-bursts",
    "onoff-level",
    "mostly-zero-spiky",
    "daily",
    "daily-weekly",
    "daily-drift"
  };

  private SyntheticFalseAlarms() {}

  public static void main(String[] args) {
    Map<String, String> overrides = Overrides.parse(args);
    EnsembleDetector.Factory f =
        new EnsembleDetector.Factory(EnsembleDetector.Params.defaults().with(overrides));
    int seeds = 5;
    System.out.println(
        "series            alarms>=0.3  of which burst  alarms>=0.35   " + overrides);
    for (String kind : KINDS) {
      double all = 0;
      double burst = 0;
      double high = 0;
      Map<String, Double> byComponent = new java.util.TreeMap<>();
      for (int seed = 1; seed <= seeds; seed++) {
        Random r = new Random(seed * 1000L + kind.hashCode());
        SeriesDetector d = f.create();
        double x = 0;
        for (int i = 0; i < 20_000; i++) {
          double v;
          switch (kind) {
            case "gaussian" -> v = 100 + 5 * r.nextGaussian();
            case "student-t3" -> {
              double c = 0;
              for (int j = 0; j < 3; j++) {
                double g = r.nextGaussian();
                c += g * g;
              }
              v = 100 + 5 * r.nextGaussian() / Math.sqrt(c / 3);
            }
            case "lognormal" -> v = Math.exp(r.nextGaussian());
            case "poisson2" -> v = poisson(r, 2.0);
            case "ar0.9" -> v = 100 + (x = 0.9 * x + r.nextGaussian());
            case "ar0.99" -> v = 100 + (x = 0.99 * x + r.nextGaussian());
              // A steady trend with noise: +1 sigma every 100 points.
            case "trend" -> v = 100 + 0.05 * i + 5 * r.nextGaussian();
              // A monotone counter (requests served so far): Poisson(2) increments.
            case "counter" -> v = x += poisson(r, 2.0);
              // Slow exponential growth with 2% multiplicative noise: doubles every 5,000 points.
            case "growth" -> v = 100 * Math.exp(i * Math.log(2) / 5000 + 0.02 * r.nextGaussian());
              // Intermittent series, where "activity after a quiet stretch" is routine:
              // an error count, zero but for 1% of the minutes (1 + exponential(3) errors then);
            case "sparse-errors" ->
                v = r.nextDouble() < 0.01 ? 1 + (int) (-3 * Math.log(r.nextDouble())) : 0;
              // a job that is off for ~500 points, then busy (|N(0, 10)|) for ~20;
            case "onoff-bursts" -> {
              x =
                  x > 0
                      ? (r.nextDouble() < 1.0 / 20 ? 0 : 1)
                      : (r.nextDouble() < 1.0 / 500 ? 1 : 0);
              v = x > 0 ? Math.abs(10 * r.nextGaussian()) : 0;
            }
              // a load that switches between two levels (10 and 50, noise 1) every ~300 / ~50
              // points;
            case "onoff-level" -> {
              x =
                  x > 0
                      ? (r.nextDouble() < 1.0 / 50 ? 0 : 1)
                      : (r.nextDouble() < 1.0 / 300 ? 1 : 0);
              v = (x > 0 ? 50 : 10) + r.nextGaussian();
            }
              // mostly zero, 5% of the points a lognormal(0, 2) spike.
            case "mostly-zero-spiky" ->
                v = r.nextDouble() < 0.05 ? Math.exp(2 * r.nextGaussian()) : 0;
              // Cyclic series, 5 minutes apart (20,000 points = 69 days): a daily cycle with noise;
            case "daily" -> v = 100 + 30 * Math.sin(2 * Math.PI * i / 288.0) + 5 * r.nextGaussian();
              // a daily cycle whose amplitude is lower on weekends, and a weekend dip;
            case "daily-weekly" -> {
              boolean weekend = (i / 288) % 7 >= 5;
              double amp = weekend ? 10 : 30;
              v =
                  (weekend ? 80 : 100)
                      + amp * Math.sin(2 * Math.PI * i / 288.0)
                      + 5 * r.nextGaussian();
            }
              // a daily cycle on a slowly wandering level (AR(0.999)), no weekly cycle.
            case "daily-drift" ->
                v =
                    100
                        + 30 * Math.sin(2 * Math.PI * i / 288.0)
                        + (x = 0.999 * x + r.nextGaussian())
                        + 5 * r.nextGaussian();
            default -> v = 1000 + (x = x + r.nextGaussian());
          }
          long step = kind.startsWith("daily") ? 300_000L : 60_000L;
          Score s = d.update(1_700_000_000_000L + i * step, v);
          if (i >= 3000 && s.score() >= 0.3) {
            all++;
            burst += "burst".equals(s.component()) ? 1 : 0;
            byComponent.merge(s.component(), 1.0 / seeds, Double::sum);
          }
          high += i >= 3000 && s.score() >= 0.35 ? 1 : 0;
        }
      }
      System.out.printf(
          "%-17s %11.1f %15.1f %13.1f   %s%n",
          kind,
          all / seeds,
          burst / seeds,
          high / seeds,
          byComponent.entrySet().stream()
              .map(e -> e.getKey() + " " + String.format("%.1f", e.getValue()))
              .collect(java.util.stream.Collectors.joining(", ")));
    }
  }

  private static int poisson(Random r, double mean) {
    double limit = Math.exp(-mean);
    double prod = 1;
    int k = 0;
    do {
      k++;
      prod *= r.nextDouble();
    } while (prod > limit);
    return k - 1;
  }
}
