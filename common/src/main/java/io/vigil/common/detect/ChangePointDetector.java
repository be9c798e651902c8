package io.vigil.common.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A two-sided CUSUM level-shift detector on robustly standardized values. The statistic of a
 * reflected Gaussian random walk with drift {@code -k} has tail {@code P(S > s) ~ exp(-2 k s)}, so
 * the score is that tail probability on Vigil's scale. When the statistic crosses {@code h} the
 * shift is confirmed: the baseline restarts on the new level (averaged over a new warm-up) and the
 * sums restart, so one shift gives one detection.
 */
public final class ChangePointDetector implements SeriesDetector {
  static final byte FORMAT = 1;

  private final Params p;
  private final RobustLevel level = new RobustLevel();
  private double up;
  private double down;

  ChangePointDetector(Params p) {
    this.p = p;
  }

  @Override
  public Score update(long timestampMillis, double value) {
    double sigma = level.sigma(p.minSigma(), p.relativeSigmaFloor());
    double base = level.level();
    long n = level.count();
    double z = n == 0 ? 0.0 : (value - base) / sigma;
    double zc = Math.max(-p.clip(), Math.min(p.clip(), z));
    if (n >= p.warmup()) {
      up = Math.max(0.0, up + zc - p.k());
      down = Math.max(0.0, down - zc - p.k());
    }
    double stat = Math.max(up, down);
    double surprise = Math.max(0.0, 2.0 * p.k() * stat - Math.log(2.0));
    double lower = base - p.h() * sigma;
    double upper = base + p.h() * sigma;
    if (n < p.warmup()) {
      level.learn(value, p.alpha(), p.alpha(), p.warmup(), p.clip(), sigma);
      return new Score(0.0, base, lower, upper, "warmup", "");
    }
    String reason = "";
    if (stat >= p.h()) {
      reason =
          String.format(
              "level shifted %s from %.4g (CUSUM %.1f sigmas)",
              up > down ? "up" : "down", base, stat);
      // Restart on the new level: keep the scale, average the next warm-up points afresh (a
      // single noisy point would be a poor new level and trigger a second alarm).
      level.restart(value);
      up = 0.0;
      down = 0.0;
    } else {
      level.learn(value, p.alpha(), p.alpha(), p.warmup(), p.clip(), sigma);
    }
    return new Score(TailScore.fromSurprise(surprise), base, lower, upper, "shift", reason);
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    level.writeTo(out);
    out.writeDouble(up);
    out.writeDouble(down);
  }

  static ChangePointDetector read(Params p, DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown change-point state format " + format);
    }
    ChangePointDetector d = new ChangePointDetector(p);
    d.level.readFrom(in);
    d.up = in.readDouble();
    d.down = in.readDouble();
    return d;
  }

  /** Hyperparameters of {@link ChangePointDetector}; immutable. */
  public record Params(
      double alpha,
      int warmup,
      double clip,
      double k,
      double h,
      double minSigma,
      double relativeSigmaFloor)
      implements java.io.Serializable {

    /** k = 0.5 sigma tunes CUSUM to shifts of one sigma; h = 12 is a rare false alarm. */
    public static Params defaults() {
      return new Params(0.01, 50, 4.0, 0.5, 12.0, 1e-9, 1e-4);
    }

    public Params {
      if (!(alpha > 0 && alpha <= 1) || warmup < 2 || clip <= 0 || k <= 0 || h <= 0) {
        throw new IllegalArgumentException("alpha in (0, 1], warmup >= 2, clip, k and h positive");
      }
      if (minSigma <= 0 || relativeSigmaFloor < 0) {
        throw new IllegalArgumentException("minSigma positive, relativeSigmaFloor >= 0");
      }
    }
  }

  /** Factory of {@link ChangePointDetector}s sharing one set of hyperparameters. */
  public static final class Factory extends ParamsFactory<Params> {
    private static final long serialVersionUID = 1L;

    public Factory(Params params) {
      super("change-point", FORMAT, params);
    }

    @Override
    public SeriesDetector create() {
      return new ChangePointDetector(params());
    }

    @Override
    public SeriesDetector restore(DataInput in) throws IOException {
      return read(params(), in);
    }
  }
}
