package io.vigil.common.detect.bench;

import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.Detectors;
import io.vigil.common.detect.SeriesDetector;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-point cost of {@link SeriesDetector#update} for each detector: a warm detector fed a daily
 * cycle with noise and occasional spikes, one point per invocation, single thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DetectorUpdateBenchmark {
  private static final int N = 1 << 16;

  @Param({"ensemble", "robust-ewma", "seasonal", "change-point"})
  public String algorithm;

  private SeriesDetector detector;
  private final double[] values = new double[N];
  private long t;
  private int i;

  @Setup
  public void setUp() {
    Random r = new Random(1);
    for (int k = 0; k < N; k++) {
      values[k] = 50 + 20 * Math.sin(2 * Math.PI * k / 288.0) + r.nextGaussian();
      if (r.nextInt(500) == 0) {
        values[k] += 30;
      }
    }
    DetectorFactory factory = Detectors.factory(algorithm, Map.of());
    detector = factory.create();
    for (int k = 0; k < 288 * 7; k++) {
      next();
    }
  }

  private double next() {
    t += 300_000L;
    i = (i + 1) & (N - 1);
    return detector.update(t, values[i]).score();
  }

  @Benchmark
  public double update() {
    return next();
  }
}
