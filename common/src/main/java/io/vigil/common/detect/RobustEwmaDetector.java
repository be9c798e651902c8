package io.vigil.common.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A robust EWMA of level and absolute deviation with a warm-up: each point is scored by how many
 * robust standard deviations it lies from the level, and learned with its residual clipped so that
 * outliers do not drag the baseline. A run of identical values in a series that used to vary is
 * reported as a stuck value.
 */
public final class RobustEwmaDetector implements SeriesDetector {

  static final byte FORMAT = 1;

  /**
   * Scores below this (p > 1e-3) get no reason sentence: formatting one for every point cost
   * several microseconds and nobody reads the reason of an unremarkable point.
   */
  private static final double REASON_LEVEL = 0.3;

  /** Mean absolute deviation of a normal distribution is sigma * sqrt(2/pi). */
  private static final double MAD_TO_SIGMA = Math.sqrt(Math.PI / 2.0);

  private final Params params;
  private long count;
  private double level;
  private double absDev;
  private double lastValue;
  private int sameRun;

  RobustEwmaDetector(Params params) {
    this.params = params;
  }

  @Override
  public Score update(long timestampMillis, double value) {
    if (count == 0) {
      level = value;
      absDev = 0.0;
      lastValue = value;
      count = 1;
      return Score.warmingUp(value);
    }
    double sigma = sigma();
    double residual = value - level;
    double z = residual / sigma;
    Score score = scoreOf(value, z, sigma);
    learn(value, residual, sigma);
    return score;
  }

  private Score scoreOf(double value, double z, double sigma) {
    double lower = level - params.bandWidth * sigma;
    double upper = level + params.bandWidth * sigma;
    if (count < params.warmup) {
      return new Score(0.0, level, lower, upper, "warmup", "");
    }
    boolean same = value == lastValue;
    if (same && sameRun + 1 >= params.stuckRun && absDev > 0.0) {
      double s = Math.min(1.0, 0.4 + 0.1 * ((sameRun + 1) / (double) params.stuckRun - 1.0));
      return new Score(
          s,
          level,
          lower,
          upper,
          "stuck",
          "value stuck at " + value + " for " + (sameRun + 1) + " points");
    }
    double s = TailScore.fromZ(z);
    String reason =
        s < REASON_LEVEL
            ? ""
            : String.format(
                "value %.4g is %.1f robust sigmas %s the level %.4g",
                value, Math.abs(z), z > 0 ? "above" : "below", level);
    return new Score(s, level, lower, upper, "level", reason);
  }

  private void learn(double value, double residual, double sigma) {
    double limit = params.clip * sigma;
    double clipped = count < params.warmup ? residual : Math.max(-limit, Math.min(limit, residual));
    level += params.alpha * clipped;
    absDev += params.beta * (Math.abs(clipped) - absDev);
    sameRun = value == lastValue ? sameRun + 1 : 0;
    lastValue = value;
    count++;
  }

  private double sigma() {
    double floor = Math.max(params.minSigma, Math.abs(level) * params.relativeSigmaFloor);
    return Math.max(absDev * MAD_TO_SIGMA, floor);
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    out.writeLong(count);
    out.writeDouble(level);
    out.writeDouble(absDev);
    out.writeDouble(lastValue);
    out.writeInt(sameRun);
  }

  static RobustEwmaDetector read(Params params, DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown robust-ewma state format " + format);
    }
    RobustEwmaDetector d = new RobustEwmaDetector(params);
    d.count = in.readLong();
    d.level = in.readDouble();
    d.absDev = in.readDouble();
    d.lastValue = in.readDouble();
    d.sameRun = in.readInt();
    return d;
  }

  /** Hyperparameters of {@link RobustEwmaDetector}; immutable. */
  public record Params(
      double alpha,
      double beta,
      int warmup,
      double clip,
      double bandWidth,
      int stuckRun,
      double minSigma,
      double relativeSigmaFloor)
      implements java.io.Serializable {

    /** Defaults suited to metrics sampled every few seconds to minutes. */
    public static Params defaults() {
      return new Params(0.05, 0.05, 30, 3.0, 3.0, 30, 1e-9, 1e-4);
    }

    public Params {
      check(alpha > 0 && alpha <= 1, "alpha must be in (0, 1]");
      check(beta > 0 && beta <= 1, "beta must be in (0, 1]");
      check(warmup >= 2, "warmup must be at least 2 points");
      check(clip > 0, "clip must be positive");
      check(bandWidth > 0, "bandWidth must be positive");
      check(stuckRun >= 2, "stuckRun must be at least 2");
      check(minSigma > 0, "minSigma must be positive");
      check(relativeSigmaFloor >= 0, "relativeSigmaFloor must not be negative");
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("alpha", alpha);
      m.put("beta", beta);
      m.put("warmup", warmup);
      m.put("clip", clip);
      m.put("bandWidth", bandWidth);
      m.put("stuckRun", stuckRun);
      m.put("minSigma", minSigma);
      m.put("relativeSigmaFloor", relativeSigmaFloor);
      return m;
    }
  }

  /** Factory of {@link RobustEwmaDetector}s sharing one set of hyperparameters. */
  public static final class Factory extends ParamsFactory<Params> {
    private static final long serialVersionUID = 1L;

    public Factory(Params params) {
      super("robust-ewma", 1, params);
    }

    @Override
    public Map<String, Object> hyperparameters() {
      return params().asMap();
    }

    @Override
    public SeriesDetector create() {
      return new RobustEwmaDetector(params());
    }

    @Override
    public SeriesDetector restore(DataInput in) throws IOException {
      return read(params(), in);
    }
  }
}
