package io.vigil.common.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Scores each point against a seasonal baseline it learns online, without being told the period:
 * see {@link SeasonalBaseline}. While no cycle is found it scores against the robust level.
 */
public final class SeasonalDetector implements SeriesDetector {
  static final byte FORMAT = 1;

  private final Params p;
  private final RobustLevel level = new RobustLevel();
  private final SeasonalBaseline season = new SeasonalBaseline();
  private double residualAbsDev;

  SeasonalDetector(Params p) {
    this.p = p;
  }

  @Override
  public Score update(long timestampMillis, double value) {
    double floor = Math.max(p.minSigma(), Math.abs(level.level()) * p.relativeSigmaFloor());
    double sigma = level.sigma(p.minSigma(), p.relativeSigmaFloor());
    double expected = season.expected(timestampMillis);
    int cycle = season.active();
    double seasonalSigma = Math.max(residualAbsDev * RobustLevel.MAD_TO_SIGMA, floor);
    boolean seasonal = !Double.isNaN(expected);
    double base = seasonal ? expected : level.level();
    double band = seasonal ? seasonalSigma : sigma;
    double z = (value - base) / band;
    long n = level.count();
    season.learn(timestampMillis, value, n == 0 ? value : level.level(), p.seasonalParams());
    level.learn(value, p.alpha(), p.alpha(), p.warmup(), p.clip(), sigma);
    if (seasonal) {
      double e = Math.min(Math.abs(value - expected), p.clip() * seasonalSigma);
      residualAbsDev += p.alpha() * (e - residualAbsDev);
    }
    double lower = base - p.bandWidth() * band;
    double upper = base + p.bandWidth() * band;
    if (n < p.warmup()) {
      return new Score(0.0, base, lower, upper, "warmup", "");
    }
    double s = TailScore.fromZ(z);
    // The cycle that made the forecast: learning the point may have switched it off since.
    String component = seasonal ? SeasonalBaseline.PERIOD_NAMES[cycle] : "level";
    String reason =
        s < 0.3
            ? ""
            : String.format(
                "value %.4g is %.1f sigmas from the %s baseline %.4g", value, z, component, base);
    return new Score(s, base, lower, upper, component, reason);
  }

  /** Index of the detected cycle (0 hourly, 1 daily, 2 weekly) or -1; for tests and tools. */
  int activeCycle() {
    return season.active();
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    level.writeTo(out);
    out.writeDouble(residualAbsDev);
    season.writeTo(out);
  }

  static SeasonalDetector read(Params p, DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown seasonal state format " + format);
    }
    SeasonalDetector d = new SeasonalDetector(p);
    d.level.readFrom(in);
    d.residualAbsDev = in.readDouble();
    d.season.readFrom(in);
    return d;
  }

  /** Hyperparameters of {@link SeasonalDetector}; immutable. */
  public record Params(
      double alpha,
      int warmup,
      double clip,
      double profileAlpha,
      double varianceAlpha,
      double minSkill,
      double minCycles,
      double bandWidth,
      double minSigma,
      double relativeSigmaFloor)
      implements java.io.Serializable {

    public static Params defaults() {
      return new Params(0.02, 30, 4.0, 0.2, 0.01, 0.3, 2.0, 3.0, 1e-9, 1e-4);
    }

    public Params {
      if (!(alpha > 0 && alpha <= 1 && profileAlpha > 0 && profileAlpha <= 1)) {
        throw new IllegalArgumentException("alpha and profileAlpha must be in (0, 1]");
      }
      if (!(varianceAlpha > 0 && varianceAlpha <= 1 && minSkill >= 0 && minSkill < 1)) {
        throw new IllegalArgumentException("varianceAlpha in (0, 1], minSkill in [0, 1)");
      }
      if (warmup < 2 || clip <= 0 || minCycles < 1 || bandWidth <= 0 || minSigma <= 0) {
        throw new IllegalArgumentException("warmup >= 2, minCycles >= 1; clip, bands positive");
      }
    }

    SeasonalBaseline.SeasonalParams seasonalParams() {
      return new SeasonalBaseline.SeasonalParams(profileAlpha, varianceAlpha, minSkill, minCycles);
    }
  }

  /** Factory of {@link SeasonalDetector}s sharing one set of hyperparameters. */
  public static final class Factory extends ParamsFactory<Params> {
    private static final long serialVersionUID = 1L;

    public Factory(Params params) {
      super("seasonal", FORMAT, params);
    }

    @Override
    public SeriesDetector create() {
      return new SeasonalDetector(params());
    }

    @Override
    public SeriesDetector restore(DataInput in) throws IOException {
      return read(params(), in);
    }
  }
}
