package io.vigil.common.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;

/**
 * Vigil's default detector: online components (level, seasonal residual, rate of change,
 * level-shift CUSUM, context novelty, bursts of extremes, records, stuck values, slow trends), each
 * turning a point into a surprise {@code -ln p} from its tail probability; {@code componentMask}
 * says which are on.
 *
 * <p>Calibration: a model's p-values are wrong for real series (heavy tails, autocorrelation,
 * spikes that recur), so each component's surprise is calibrated against the surprises the same
 * series has produced ({@link TailCalibrator}, peaks over threshold), which puts every series on
 * the same scale so one threshold fits all. The largest calibrated surprise is the point's score
 * and names its component. Suppression: a point only keeps its score when it beats the decaying
 * hold of the detections before it, so the second, third, ... points of an incident are damped.
 * docs/detectors.md describes every component and why its constants are what they are.
 */
public final class EnsembleDetector implements SeriesDetector {

  static final byte FORMAT = 8;

  /** The state format before the burst component: read, with the burst part starting fresh. */
  static final byte FORMAT_1 = 1;

  /**
   * The state format before the burst residual was decorrelated: read, with the autocorrelation
   * estimate starting fresh.
   */
  static final byte FORMAT_2 = 2;

  /**
   * The state format before the record component and the per-component suppression margin: read,
   * with the records starting at the next value and no margin held.
   */
  static final byte FORMAT_3 = 3;

  /**
   * The state format whose record count ran from the first value, not from the last record: same
   * layout, read as it is (the count only restarts at the next record).
   */
  static final byte FORMAT_4 = 4;

  /**
   * The state format before the one-point refractory period: the layout of format 6 without the
   * flag that the last point was a detection; read with the flag clear.
   */
  static final byte FORMAT_5 = 5;

  /**
   * The state format before the stuck-value component: the layout of format 7 without its tail (the
   * stuck component's calibrator slot, repeat probabilities, run and flag); read with the stuck
   * component starting fresh.
   */
  static final byte FORMAT_6 = 6;

  /**
   * The state format before the trend component: the layout of format 8 without its tail (the trend
   * component's calibrator slot, averages, variance and count); read with the trend component
   * starting fresh.
   */
  static final byte FORMAT_7 = 7;

  static final String[] COMPONENTS = {
    "level", "seasonal", "rate", "shift", "novelty", "burst", "record", "stuck", "trend"
  };
  private static final int LEVEL = 0;
  private static final int SEASONAL = 1;
  private static final int RATE = 2;
  private static final int SHIFT = 3;
  private static final int NOVELTY = 4;
  private static final int BURST = 5;
  private static final int RECORD = 6;
  private static final int STUCK = 7;
  private static final int TREND = 8;

  /**
   * Components written in the calibrator's place in the state; the stuck component's slot (format
   * 7) is written after the fields format 6 had, so older states are a prefix-compatible layout.
   */
  private static final int FORMAT_6_SLOTS = 7;

  /** Components whose calibrator slots format 7 wrote (all but the trend). */
  private static final int FORMAT_7_SLOTS = 8;

  /**
   * The stuck component's chance of a repeat in a detector restored from a state without it (format
   * 6 or older): no evidence either way, so the first runs after the upgrade are judged
   * conservatively while the series' own rate is learnt (a new detector learns it from its first
   * values).
   */
  private static final float REPEAT_PRIOR = 0.5f;

  /**
   * Novelty contexts: the last {@code CONTEXT} values, each quantized into {@code LEVELS} levels
   * ({@code BITS} bits each); one bit per possible context remembers whether it has been seen, so
   * the memory is fixed at {@code LEVELS^CONTEXT} bits (64 bytes).
   */
  static final int BITS = 3;

  static final int LEVELS = 1 << BITS;
  static final int CONTEXT = 3;
  private static final int CONTEXT_MASK = (1 << (BITS * CONTEXT)) - 1;

  /**
   * Floor of the learned rate of extreme points, so a series that never had one is not divided by
   * 0.
   */
  private static final double MIN_BURST_RATE = 1e-4;

  private static final double LN_2 = Math.log(2.0);

  private final Params p;
  private final double holdDecay;

  /**
   * Variance of the difference of two EWMAs (rates {@code a1 = levelAlpha}, {@code a2 =
   * trendAlpha}) of white noise, per unit of its variance: {@code a1/(2-a1) + a2/(2-a2) - 2 a1 a2 /
   * (a1 + a2 - a1 a2)}.
   */
  private final double trendWhite;

  private final RobustLevel level = new RobustLevel();
  private final SeasonalBaseline season;
  private double seasonalAbsDev;
  private double prevValue;
  private double diffAbsDev;
  private double cusumUp;
  private double cusumDown;
  private final TailCalibrator calibrator;
  private double hold;
  private float holdMargin;
  private byte holdTop;
  private boolean lastDetected;
  private float offset;
  private final long[] seen = new long[(CONTEXT_MASK + 1) / 64];
  private int context;
  private float noveltyRate = 1f;
  private long burstBits;
  private float burstRate;
  private float burstLagCov;
  private float burstVar = 1f;
  private float burstPrevZ;
  private double recordMax = Double.NEGATIVE_INFINITY;
  private double recordMin = Double.POSITIVE_INFINITY;
  private int recordCount;
  private float repeatAfterChange = REPEAT_PRIOR;
  private float repeatAfterRepeat = Float.NaN;
  private int run;
  private boolean stuckReported;
  private double trendFast;
  private double trendSlow;
  private float trendVar = Float.NaN;
  private int trendCount;
  private final double[] u = new double[COMPONENTS.length];

  EnsembleDetector(Params p) {
    this.p = p;
    this.holdDecay = Math.pow(0.5, 1.0 / p.suppressHalfLife());
    double a1 = p.levelAlpha();
    double a2 = p.trendAlpha();
    this.trendWhite = a1 / (2 - a1) + a2 / (2 - a2) - 2 * a1 * a2 / (a1 + a2 - a1 * a2);
    this.calibrator = new TailCalibrator(COMPONENTS.length, p.tailThreshold());
    this.season = p.seasonal() ? new SeasonalBaseline() : null;
    this.burstRate = (float) TailScore.twoSidedTail(p.burstZ());
  }

  @Override
  public Score update(long timestampMillis, double value) {
    long n = level.count();
    if (n == 0) {
      level.learn(value, p.levelAlpha(), p.levelAlpha(), p.warmup(), p.clip(), 0.0);
      if (season != null) {
        season.learn(timestampMillis, value, value, p.seasonalParams());
      }
      prevValue = value;
      record(value);
      return Score.warmingUp(value);
    }
    double sigma = level.sigma(p.minSigma(), p.relativeSigmaFloor());
    double zLevel = (value - level.level()) / sigma;
    u[LEVEL] = TailScore.surpriseOfZ(zLevel);

    double expected = season == null ? Double.NaN : season.expected(timestampMillis);
    double zResidual = zLevel;
    double seasonalSigma = Math.max(seasonalAbsDev * RobustLevel.MAD_TO_SIGMA, floor());
    if (!Double.isNaN(expected)) {
      zResidual = season.residual(timestampMillis, value) / seasonalSigma;
      u[SEASONAL] = TailScore.surpriseOfZ(zResidual);
    } else {
      u[SEASONAL] = 0.0;
    }

    double diff = value - prevValue;
    double diffSigma = Math.max(diffAbsDev * RobustLevel.MAD_TO_SIGMA, floor());
    u[RATE] = TailScore.surpriseOfZ(diff / diffSigma);

    double zc = Math.max(-p.clip(), Math.min(p.clip(), zResidual));
    // During the warm-up the level is a running mean of a few points and the scale rests on a few
    // deviations: the residuals measure how young the estimates are, not a shift, and their CUSUM
    // would reach 30-50 nats and teach the shift calibrator to ignore the series' first real shift.
    if (n >= p.warmup() || p.cusumInWarmup()) {
      cusumUp = Math.max(0.0, cusumUp + zc - p.cusumK());
      cusumDown = Math.max(0.0, cusumDown - zc - p.cusumK());
    }
    // Reflected random walk with drift -k: P(S > s) ~ exp(-2 k s), both sides.
    u[SHIFT] = Math.max(0.0, 2.0 * p.cusumK() * Math.max(cusumUp, cusumDown) - Math.log(2.0));

    u[NOVELTY] = (p.componentMask() & (1 << NOVELTY)) == 0 ? 0.0 : novelty(zResidual, n);
    u[BURST] = (p.componentMask() & (1 << BURST)) == 0 ? 0.0 : burst(burstExtreme(zResidual, n), n);

    u[RECORD] = (p.componentMask() & (1 << RECORD)) == 0 ? 0.0 : record(value);
    u[STUCK] = (p.componentMask() & (1 << STUCK)) == 0 ? 0.0 : stuck(value, n);
    boolean cycle = !Double.isNaN(expected);
    u[TREND] =
        (p.componentMask() & (1 << TREND)) == 0 || stuckReported
            ? 0.0
            : trend(
                cycle ? value - expected + level.level() : value, cycle ? seasonalSigma : sigma);

    int top = 0;
    double best = 0.0;
    boolean warm = n >= p.warmup();
    // With a cycle active the flat level is the wrong model: the seasonal residual says what the
    // level would, and the level's calibrator keeps what it learnt before the cycle was found, so
    // the series is not judged by a model that forgot the cycle if it switches off again.
    boolean gated = p.seasonGatesLevel() && !Double.isNaN(expected);
    for (int i = 0; i < u.length; i++) {
      if ((p.componentMask() & (1 << i)) == 0 || (gated && i == LEVEL)) {
        continue;
      }
      double ui = Math.min(u[i], p.maxSurprise());
      double cal = calibrator.calibrated(i, ui, p.tailThreshold());
      if (cal > best) {
        best = cal;
        top = i;
      }
      double rate = warm ? p.calibrationAlpha() : Math.max(p.calibrationAlpha(), 1.0 / n);
      calibrator.learn(i, ui, p.tailThreshold(), rate, p.excessAlpha(), p.excessGrowth());
    }
    double raw = best;
    if (stuckReported) {
      // A run already reported stuck is not data: a frozen sensor must not teach the level, the
      // cycle and the scales that the series went quiet, or its recovery would be a new incident.
      prevValue = value;
    } else {
      learn(timestampMillis, value, sigma, expected, seasonalSigma, diff, diffSigma);
    }
    double base = Double.isNaN(expected) ? level.level() : expected;
    double band = Double.isNaN(expected) ? sigma : seasonalSigma;
    double lower = base - p.bandWidth() * band;
    double upper = base + p.bandWidth() * band;
    if (!warm) {
      return new Score(0.0, base, lower, upper, "warmup", "");
    }
    return emit(raw, top, value, base, lower, upper);
  }

  /**
   * Context novelty (after ARTime / contextOSE): the robust z-score (against the season when one is
   * active, else the level) is quantized into {@link #LEVELS} levels of {@code 1 / noveltyScale}
   * sigmas, and the last {@link #CONTEXT} levels form a context. A context never seen before has
   * surprise {@code -ln r}, with {@code r} the series' recent rate of new contexts (an EWMA): a new
   * shape is news in a series whose shapes have settled, not in one that keeps changing.
   */
  private double novelty(double z, long n) {
    double level = Math.floor(z * p.noveltyScale());
    int q = (int) Math.max(-LEVELS / 2.0, Math.min(LEVELS / 2.0 - 1, level)) + LEVELS / 2;
    context = ((context << BITS) | q) & CONTEXT_MASK;
    if (n < CONTEXT) {
      return 0.0;
    }
    boolean novel = (seen[context >>> 6] & (1L << (context & 63))) == 0;
    seen[context >>> 6] |= 1L << (context & 63);
    double u = novel ? -Math.log(noveltyRate) : 0.0;
    double a = Math.max(p.noveltyAlpha(), 1.0 / n);
    noveltyRate += (float) (a * ((novel ? 1.0 : 0.0) - noveltyRate));
    noveltyRate = Math.max(noveltyRate, 1e-6f);
    return u;
  }

  /**
   * Bursts of extremes: how many of the last {@code burstWindow} points (a 64-bit shift register,
   * one bit per point) lay beyond {@code burstZ} sigmas of the residual, against the series' own
   * long-run rate of such points (an EWMA). Under that rate the count is about Poisson, so an
   * extreme point that brings the count to {@code k} has surprise {@code -ln P(Poisson(rate *
   * window) >= k)} (the regularized lower incomplete gamma function, Commons Math). A series whose
   * spikes are routine learns their rate; one where they suddenly crowd together (a flapping
   * service, a load balancer that starts to fail) is news even when no single spike is larger than
   * usual.
   */
  private double burst(boolean extreme, long n) {
    double x = extreme ? 1.0 : 0.0;
    int w = p.burstWindow();
    burstBits = (burstBits << 1) | (extreme ? 1L : 0L);
    double k = Long.bitCount(w >= 64 ? burstBits : burstBits & ((1L << w) - 1));
    double mu = Math.max(burstRate, MIN_BURST_RATE) * p.burstWindow();
    double u = 0.0;
    if (extreme && k > mu) {
      double tail = Gamma.regularizedGammaP(k, mu);
      u = tail > 0.0 ? -Math.log(tail) : p.maxSurprise();
    }
    double a = Math.max(p.burstRateAlpha(), 1.0 / n);
    burstRate += (float) (a * (x - burstRate));
    return u;
  }

  /**
   * Whether this point counts as an extreme for the burst component. The count's Poisson tail
   * assumes extremes arrive independently; in an autocorrelated series (a random walk, a queue
   * depth, a temperature) the residual against the slow level wanders away for dozens of points and
   * each excursion would be a run of extremes. So the residual is first decorrelated: {@code e = (z
   * - phi z') / sqrt(1 - phi^2)}, a one-step AR(1) prediction error, with {@code phi} the lag-1
   * autocorrelation of the (clipped) residual learned by an EWMA ({@code burstPhiAlpha}) from
   * ordinary points only, so the extremes of a crowd do not teach the detector to expect them;
   * {@code phi} is kept in {@code [0, burstMaxPhi]} because near 1 the division amplifies the
   * estimation error. On independent noise {@code phi} stays near 0 and nothing changes. {@code
   * burstPhiAlpha} 0 counts the raw residual (the format-2 behaviour).
   */
  private boolean burstExtreme(double z, long n) {
    if (p.burstPhiAlpha() == 0.0) {
      return Math.abs(z) > p.burstZ();
    }
    double zc = Math.max(-p.clip(), Math.min(p.clip(), z));
    double phi = Math.max(0.0, Math.min(p.burstMaxPhi(), burstLagCov / Math.max(burstVar, 1e-9)));
    double e = (z - phi * burstPrevZ) / Math.sqrt(1.0 - phi * phi);
    if (Math.abs(z) <= p.burstZ()) {
      double a = Math.max(p.burstPhiAlpha(), 1.0 / n);
      burstLagCov += (float) (a * (zc * burstPrevZ - burstLagCov));
      burstVar += (float) (a * (zc * zc - burstVar));
    }
    burstPrevZ = (float) zc;
    return Math.abs(e) > p.burstZ();
  }

  /**
   * Records: a value beyond every value seen so far. If the points were exchangeable, the chance
   * that the {@code n}-th is the largest of all so far would be {@code 1/n} (and as much for the
   * smallest), whatever their distribution, so a new record has surprise {@code ln(n / 2)}. It
   * needs no model of the series, so it sees what the level and the season learn away: a slow drift
   * to temperatures never reached before, a load that falls below anything seen. A value counts as
   * a record only when it passes the old one by {@code recordMargin} of the range seen so far, so a
   * series creeping along its maximum does not set a record at every point.
   *
   * <p>{@code n} is the number of points since the last record (since format 5; before, since the
   * first value): a trending series (a counter, a growing load) keeps setting records, each a few
   * hundred points after the one before, and they are no news, while a series that stayed inside
   * its range for thousands of points still has the full {@code ln(n / 2)} when it leaves it. The
   * per-point calibration cannot learn this by itself: records are rare events whose surprise grows
   * with {@code n}, so each one of a trend would still stand out.
   */
  private double record(double value) {
    if (Double.isNaN(value)) {
      return 0.0;
    }
    double u = 0.0;
    double margin = p.recordMargin() * (recordMax - recordMin);
    if (recordCount > 0 && (value > recordMax + margin || value < recordMin - margin)) {
      u = Math.max(0.0, Math.log(recordCount + 1.0) - LN_2);
      recordCount = 0;
    }
    recordMax = Math.max(recordMax, value);
    recordMin = Math.min(recordMin, value);
    recordCount = recordCount == Integer.MAX_VALUE ? recordCount : recordCount + 1;
    return u;
  }

  /**
   * Stuck values: a run of exactly repeated values (a frozen sensor, an exporter that keeps
   * re-sending its last sample, a gauge nobody updates any more). The series' own repeats are
   * modelled as a two-state chain: {@code q0}, the chance that a value repeats the one before after
   * a change, and {@code q1}, the chance that a repeat is followed by another (both EWMAs at {@code
   * stuckAlpha}, floored at it, the finest rate that memory can tell). Until the series has shown a
   * run, {@code q1} is taken equal to {@code q0} (repeats independent, the null model); from its
   * first run on it is learnt from {@code q0}'s value. A run of {@code L} repeats has probability
   * {@code q0 q1^(L-1)}; it is news only if such a run is unlikely anywhere in the rate's memory of
   * {@code 1 / stuckAlpha} points, so the evidence is {@code -ln(q0 q1^(L-1)) - ln(1 /
   * stuckAlpha)}, reported as the surprise once it reaches {@link TailScore#SATURATION} (the
   * score's saturation: the run is beyond doubt). A continuous series (no repeats) is flagged at
   * about the sixth identical value; a quantized or count series, whose repeats are routine, only
   * by a run far longer than its usual ones; an idle series whose zeros come in long runs ({@code
   * q1} near 1) not at all. One run gives one detection: once the component has fired, the rest of
   * the run is the same incident.
   */
  private double stuck(double value, long n) {
    boolean repeat = value == prevValue;
    boolean afterRepeat = run > 0;
    run = repeat ? (run == Integer.MAX_VALUE ? run : run + 1) : 0;
    if (!repeat) {
      stuckReported = false;
    }
    double a = p.stuckAlpha();
    double u = 0.0;
    if (repeat && !stuckReported) {
      double q0 = Math.max(repeatAfterChange, a);
      double q1 = Float.isNaN(repeatAfterRepeat) ? q0 : Math.max(repeatAfterRepeat, a);
      double s = -Math.log(q0) - (run - 1) * Math.log(q1) + Math.log(a);
      // Reported once, when the run is beyond doubt (the score's saturation): its evidence only
      // grows while it lasts, so a report at the first crossing of the calibration threshold
      // would always score ~0.32, below the metrics job's default detection threshold (0.4).
      u = s >= TailScore.SATURATION ? s : 0.0;
    }
    double x = repeat ? 1.0 : 0.0;
    if (afterRepeat) {
      if (Float.isNaN(repeatAfterRepeat)) {
        repeatAfterRepeat = repeatAfterChange;
      }
      repeatAfterRepeat += (float) (a * (x - repeatAfterRepeat));
    } else {
      repeatAfterChange += (float) (Math.max(a, 1.0 / n) * (x - repeatAfterChange));
    }
    return u;
  }

  /**
   * Trend: a slow drift of the series' average (a leak, a filling disk, a growing backlog, a sensor
   * going out of calibration) that the level, which follows the series at {@code levelAlpha},
   * learns away as it happens, and that sets no record while it stays inside the range seen. A fast
   * average (the level's rate) of the value, with the cycle taken out when one is active, is
   * compared with a slow one ({@code trendAlpha}); both learn residuals clipped at {@code
   * trendClip} sigmas (2, not the level's 4: a drift moves the ordinary points, and a handful of
   * outliers must not move the fast average far enough to name an incident the level already
   * named). Their difference {@code d} is scored as a z-score against its own variance, learnt from
   * {@code d^2} (a running mean at first, then an EWMA at {@code trendVarAlpha}; each {@code d^2}
   * clipped at {@code trendVarClip^2} times the variance, so a drift cannot teach the scale that it
   * is ordinary while it happens), never below what white noise of the series' scale would give,
   * nor below {@code trendRangeFloor} of the range seen (an idle series whose averages agree to the
   * last digit is not news when they part by a rounding).
   *
   * <p>Two things keep it from paging on ordinary series. It reports only beyond {@code
   * trendReport} nats: the statistic grows a little at every point of a drift, so it would
   * otherwise cross the calibration threshold at once, with a score no higher than the threshold's.
   * And it is silent until {@code trendMemories / trendAlpha} points: the slow average needs about
   * {@code 1 / trendAlpha} points to forget how the series started, and the variance as many again
   * of steady-state differences; before that a young series' own settling looks like a drift.
   */
  private double trend(double x, double sigma) {
    if (trendCount == 0) {
      trendFast = x;
      trendSlow = x;
    }
    trendCount = trendCount == Integer.MAX_VALUE ? trendCount : trendCount + 1;
    double lim = p.trendClip() * sigma;
    double fast = Math.max(p.levelAlpha(), 1.0 / trendCount);
    double slow = Math.max(p.trendAlpha(), 1.0 / trendCount);
    trendFast += fast * Math.max(-lim, Math.min(lim, x - trendFast));
    trendSlow += slow * Math.max(-lim, Math.min(lim, x - trendSlow));
    double d = trendFast - trendSlow;
    double white = sigma * sigma * trendWhite;
    if (Float.isNaN(trendVar)) {
      trendVar = (float) white;
    }
    double range = recordCount > 0 && recordMax > recordMin ? recordMax - recordMin : 0.0;
    double rangeFloor = p.trendRangeFloor() * range;
    double var = Math.max(trendVar, Math.max(white, rangeFloor * rangeFloor));
    double z = d / Math.sqrt(var);
    double a = Math.max(p.trendVarAlpha(), 1.0 / trendCount);
    double limit = p.trendVarClip() * p.trendVarClip() * var;
    trendVar += (float) (a * (Math.min(d * d, limit) - trendVar));
    if (trendCount < Math.max(p.warmup(), p.trendMemories() / p.trendAlpha())) {
      return 0.0;
    }
    double u = TailScore.surpriseOfZ(z);
    return u >= p.trendReport() ? u : 0.0;
  }

  private Score emit(double raw, int top, double value, double base, double lower, double upper) {
    // Incidents are compared by what the score can say: beyond holdCeiling (the score's saturation)
    // every point is equally certain, so an enormous spike holds the series no longer than any
    // other saturated detection, and a later point is not "worse" for being further off the scale.
    double held = Math.min(raw, p.holdCeiling());
    // An incident lasts while its points are surprising (beyond the calibration threshold): its
    // hold fades only once they are ordinary again, so a saturated incident that another component
    // also sees a few points later (a seasonal detection, then the level once the broken fit has
    // switched the cycle off) is still one detection.
    if (!(p.holdWhileSurprising() && held > p.tailThreshold())) {
      hold *= holdDecay;
      holdMargin *= holdDecay;
    }
    double out;
    String component = COMPONENTS[top];
    // A detection (beyond the calibration threshold) must be beaten by a margin by the component
    // that made it: the next points of a ramp, each a little more surprising than the last, are
    // the same incident; another component's evidence is news as soon as it beats the hold.
    double bar = hold + (top == holdTop ? holdMargin : 0.0);
    // Refractory point: the point right after a detection is the same incident (a two-point spike
    // whose second point is the worse one), unless it is refractoryEscape nats beyond the hold.
    boolean refractory =
        lastDetected && p.refractoryEscape() > 0 && held < hold + p.refractoryEscape();
    lastDetected = false;
    if (held > bar && refractory) {
      hold = held;
      out = 0.0;
      component = "suppressed";
    } else if (held > bar) {
      out = TailScore.fromSurprise(raw);
      hold = held;
      lastDetected = raw > p.tailThreshold();
      holdMargin = lastDetected ? (float) p.suppressMargin() : 0f;
      holdTop = (byte) top;
      stuckReported |= lastDetected && top == STUCK;
    } else {
      out = TailScore.fromSurprise(raw) * p.suppressDamp();
      component = "suppressed";
    }
    out = Math.max(0.0, Math.min(1.0, out - offset));
    String reason = "";
    if (out >= p.reasonLevel() && top == STUCK && !component.equals("suppressed")) {
      reason =
          String.format(
              "stuck: value %.4g repeated %d times in a row (normal %.4g..%.4g)",
              value, run, lower, upper);
    } else if (out >= p.reasonLevel() && top == TREND && !component.equals("suppressed")) {
      reason =
          String.format(
              "trend: recent average %.4g has drifted from the long-run average %.4g"
                  + " (value %.4g, normal %.4g..%.4g)",
              trendFast, trendSlow, value, lower, upper);
    } else if (out >= p.reasonLevel()) {
      reason =
          String.format(
              "%s: value %.4g vs expected %.4g (normal %.4g..%.4g)",
              component, value, base, lower, upper);
    }
    return new Score(out, base, lower, upper, component, reason);
  }

  private void learn(
      long ts,
      double value,
      double sigma,
      double expected,
      double seasonalSigma,
      double diff,
      double diffSigma) {
    // Until a cycle is found the seasonal scale follows the level residual, an upper bound, so
    // the first seasonal z-scores are conservative rather than divided by nothing.
    double e = Double.isNaN(expected) ? value - level.level() : season.binError(ts, value);
    e = Double.isNaN(e) ? value - level.level() : e;
    double lim = p.clip() * seasonalSigma;
    double seasonalRate = level.count() <= p.warmup() ? 1.0 / level.count() : p.scaleAlpha();
    seasonalAbsDev += seasonalRate * (Math.min(Math.abs(e), lim) - seasonalAbsDev);
    if (season != null) {
      season.learn(ts, value, level.level(), p.seasonalParams());
    }
    level.learn(value, p.levelAlpha(), p.levelAlpha(), p.warmup(), p.clip(), sigma);
    double dl = p.clip() * diffSigma;
    double rateAlpha = level.count() <= p.warmup() ? 1.0 / level.count() : p.scaleAlpha();
    diffAbsDev += rateAlpha * (Math.min(Math.abs(diff), dl) - diffAbsDev);
    prevValue = value;
  }

  private double floor() {
    return Math.max(p.minSigma(), Math.abs(level.level()) * p.relativeSigmaFloor());
  }

  /** Raises this series' threshold after a false alarm, lowers it after a confirmed one. */
  @Override
  public void feedback(boolean truePositive) {
    double step = truePositive ? -p.feedbackStep() : p.feedbackStep();
    offset = (float) Math.max(-p.maxOffset(), Math.min(p.maxOffset(), offset + step));
  }

  /** The current sensitivity offset subtracted from scores; 0 without feedback. */
  public double thresholdOffset() {
    return offset;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeByte(FORMAT);
    level.writeTo(out);
    out.writeDouble(seasonalAbsDev);
    out.writeDouble(prevValue);
    out.writeDouble(diffAbsDev);
    out.writeDouble(cusumUp);
    out.writeDouble(cusumDown);
    calibrator.writeTo(out, 0, FORMAT_6_SLOTS);
    out.writeDouble(hold);
    out.writeFloat(offset);
    out.writeLong(burstBits);
    out.writeFloat(burstRate);
    out.writeFloat(burstLagCov);
    out.writeFloat(burstVar);
    out.writeFloat(burstPrevZ);
    out.writeDouble(recordMax);
    out.writeDouble(recordMin);
    out.writeInt(recordCount);
    out.writeFloat(holdMargin);
    out.writeByte(holdTop);
    out.writeBoolean(lastDetected);
    calibrator.writeTo(out, FORMAT_6_SLOTS, FORMAT_7_SLOTS);
    out.writeFloat(repeatAfterChange);
    out.writeFloat(repeatAfterRepeat);
    out.writeInt(run);
    out.writeBoolean(stuckReported);
    calibrator.writeTo(out, FORMAT_7_SLOTS, COMPONENTS.length);
    out.writeDouble(trendFast);
    out.writeDouble(trendSlow);
    out.writeFloat(trendVar);
    out.writeInt(trendCount);
    if ((p.componentMask() & (1 << NOVELTY)) != 0) {
      for (long b : seen) {
        out.writeLong(b);
      }
      out.writeShort(context);
      out.writeFloat(noveltyRate);
    }
    out.writeBoolean(season != null);
    if (season != null) {
      season.writeTo(out);
    }
  }

  static EnsembleDetector read(Params p, DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != FORMAT
        && format != FORMAT_7
        && format != FORMAT_6
        && format != FORMAT_5
        && format != FORMAT_4
        && format != FORMAT_3
        && format != FORMAT_2
        && format != FORMAT_1) {
      throw new IOException("unknown ensemble state format " + format);
    }
    EnsembleDetector d = new EnsembleDetector(p);
    d.level.readFrom(in);
    d.seasonalAbsDev = in.readDouble();
    d.prevValue = in.readDouble();
    d.diffAbsDev = in.readDouble();
    d.cusumUp = in.readDouble();
    d.cusumDown = in.readDouble();
    boolean stuck = format == FORMAT || format == FORMAT_7;
    boolean records = stuck || format == FORMAT_6 || format == FORMAT_5 || format == FORMAT_4;
    d.calibrator.readFrom(in, 0, format == FORMAT_1 ? BURST : records ? FORMAT_6_SLOTS : RECORD);
    d.hold = in.readDouble();
    d.offset = in.readFloat();
    if (format != FORMAT_1) {
      d.burstBits = in.readLong();
      d.burstRate = in.readFloat();
    }
    if (format == FORMAT_3 || records) {
      d.burstLagCov = in.readFloat();
      d.burstVar = in.readFloat();
      d.burstPrevZ = in.readFloat();
    }
    if (records) {
      d.recordMax = in.readDouble();
      d.recordMin = in.readDouble();
      d.recordCount = in.readInt();
      d.holdMargin = in.readFloat();
      d.holdTop = in.readByte();
    }
    if (stuck || format == FORMAT_6) {
      d.lastDetected = in.readBoolean();
    }
    if (stuck) {
      d.calibrator.readFrom(in, FORMAT_6_SLOTS, FORMAT_7_SLOTS);
      d.repeatAfterChange = in.readFloat();
      d.repeatAfterRepeat = in.readFloat();
      d.run = in.readInt();
      d.stuckReported = in.readBoolean();
    }
    if (format == FORMAT) {
      d.calibrator.readFrom(in, FORMAT_7_SLOTS, COMPONENTS.length);
      d.trendFast = in.readDouble();
      d.trendSlow = in.readDouble();
      d.trendVar = in.readFloat();
      d.trendCount = in.readInt();
    }
    if ((p.componentMask() & (1 << NOVELTY)) != 0) {
      for (int i = 0; i < d.seen.length; i++) {
        d.seen[i] = in.readLong();
      }
      d.context = in.readShort();
      d.noveltyRate = in.readFloat();
    }
    boolean seasonal = in.readBoolean();
    if (seasonal != (d.season != null)) {
      throw new IOException("state seasonal=" + seasonal + " but config seasonal=" + p.seasonal());
    }
    if (seasonal) {
      d.season.readFrom(in);
    }
    return d;
  }

  /** Hyperparameters of {@link EnsembleDetector}; immutable, validated, overridable by name. */
  public record Params(
      int warmup,
      double levelAlpha,
      double scaleAlpha,
      double clip,
      double cusumK,
      double tailThreshold,
      double calibrationAlpha,
      double excessAlpha,
      double excessGrowth,
      double maxSurprise,
      double suppressHalfLife,
      double suppressDamp,
      int componentMask,
      boolean seasonal,
      double seasonalProfileAlpha,
      double seasonalVarianceAlpha,
      double seasonalMinSkill,
      double seasonalMinCycles,
      double bandWidth,
      double reasonLevel,
      double feedbackStep,
      double maxOffset,
      double minSigma,
      double relativeSigmaFloor,
      double noveltyScale,
      double noveltyAlpha,
      double burstZ,
      int burstWindow,
      double burstRateAlpha,
      double burstPhiAlpha,
      double burstMaxPhi,
      double suppressMargin,
      double recordMargin,
      double refractoryEscape,
      double holdCeiling,
      boolean seasonGatesLevel,
      boolean holdWhileSurprising,
      double stuckAlpha,
      double trendAlpha,
      double trendVarAlpha,
      double trendVarClip,
      double trendRangeFloor,
      double trendReport,
      double trendMemories,
      double trendClip,
      boolean cusumInWarmup)
      implements java.io.Serializable {

    /** The one configuration Vigil ships with and scores NAB with. */
    public static Params defaults() {
      return new Params(
          /* warmup */ 100,
          /* levelAlpha */ 0.01,
          /* scaleAlpha */ 0.0035,
          /* clip */ 4.0,
          /* cusumK */ 0.4,
          /* tailThreshold */ 7.0,
          /* calibrationAlpha */ 0.0016,
          /* excessAlpha */ 0.1,
          /* excessGrowth */ 4.0,
          /* maxSurprise */ 200.0,
          /* suppressHalfLife */ 100.0,
          /* suppressDamp */ 0.0,
          /* componentMask */ 491,
          /* seasonal */ true,
          /* seasonalProfileAlpha */ 0.2,
          /* seasonalVarianceAlpha */ 0.005,
          /* seasonalMinSkill */ 0.3,
          /* seasonalMinCycles */ 2.0,
          /* bandWidth */ 3.0,
          /* reasonLevel */ 0.3,
          /* feedbackStep */ 0.05,
          /* maxOffset */ 0.3,
          /* minSigma */ 1e-9,
          /* relativeSigmaFloor */ 1e-4,
          /* noveltyScale */ 0.35,
          /* noveltyAlpha */ 0.005,
          /* burstZ */ 2.5,
          /* burstWindow */ 56,
          /* burstRateAlpha */ 0.0025,
          /* burstPhiAlpha */ 0.1,
          /* burstMaxPhi */ 0.9,
          /* suppressMargin */ 2.0,
          /* recordMargin */ 0.025,
          /* refractoryEscape */ 10.0,
          /* holdCeiling */ TailScore.SATURATION,
          /* seasonGatesLevel */ true,
          /* holdWhileSurprising */ true,
          /* stuckAlpha */ 0.0025,
          /* trendAlpha */ 0.001,
          /* trendVarAlpha */ 0.0002,
          /* trendVarClip */ 2.0,
          /* trendRangeFloor */ 0.001,
          /* trendReport */ 12.0,
          /* trendMemories */ 2.0,
          /* trendClip */ 2.0,
          /* cusumInWarmup */ false);
    }

    public Params {
      check(warmup >= 2, "warmup must be at least 2 points");
      check(levelAlpha > 0 && levelAlpha <= 1, "levelAlpha must be in (0, 1]");
      check(scaleAlpha > 0 && scaleAlpha <= 1, "scaleAlpha must be in (0, 1]");
      check(clip > 0, "clip must be positive");
      check(cusumK > 0, "cusumK must be positive");
      check(calibrationAlpha > 0 && calibrationAlpha <= 1, "calibrationAlpha must be in (0, 1]");
      check(tailThreshold > 0, "tailThreshold must be positive (nats)");
      check(excessAlpha > 0 && excessAlpha <= 1, "excessAlpha must be in (0, 1]");
      check(excessGrowth > 1, "excessGrowth must be above 1");
      check(maxSurprise > tailThreshold, "maxSurprise must exceed tailThreshold");
      check(suppressHalfLife > 0, "suppressHalfLife must be positive (points)");
      check(suppressDamp >= 0 && suppressDamp <= 1, "suppressDamp must be in [0, 1]");
      check(seasonalProfileAlpha > 0 && seasonalProfileAlpha <= 1, "seasonalProfileAlpha: (0, 1]");
      check(
          seasonalVarianceAlpha > 0 && seasonalVarianceAlpha <= 1, "seasonalVarianceAlpha: (0, 1]");
      check(seasonalMinSkill >= 0 && seasonalMinSkill < 1, "seasonalMinSkill must be in [0, 1)");
      check(seasonalMinCycles >= 1, "seasonalMinCycles must be at least 1");
      check(bandWidth > 0, "bandWidth must be positive");
      check(feedbackStep >= 0 && maxOffset >= 0, "feedbackStep and maxOffset must not be negative");
      check(minSigma > 0, "minSigma must be positive");
      check(relativeSigmaFloor >= 0, "relativeSigmaFloor must not be negative");
      check(noveltyScale > 0, "noveltyScale must be positive (levels per sigma)");
      check(noveltyAlpha > 0 && noveltyAlpha <= 1, "noveltyAlpha must be in (0, 1]");
      check(burstZ > 0, "burstZ must be positive (sigmas)");
      check(burstWindow >= 1 && burstWindow <= 64, "burstWindow must be in [1, 64] points");
      check(burstRateAlpha > 0 && burstRateAlpha <= 1, "burstRateAlpha must be in (0, 1]");
      check(burstPhiAlpha >= 0 && burstPhiAlpha <= 1, "burstPhiAlpha must be in [0, 1]");
      check(burstMaxPhi >= 0 && burstMaxPhi < 1, "burstMaxPhi must be in [0, 1)");
      check(suppressMargin >= 0, "suppressMargin must not be negative (nats)");
      check(recordMargin >= 0, "recordMargin must not be negative (a share of the range)");
      check(refractoryEscape >= 0, "refractoryEscape must not be negative (nats; 0 = off)");
      check(holdCeiling > 0, "holdCeiling must be positive (nats; 1e9 = no ceiling)");
      check(stuckAlpha > 0 && stuckAlpha < 1, "stuckAlpha must be in (0, 1)");
      check(trendAlpha > 0 && trendAlpha < levelAlpha, "trendAlpha must be in (0, levelAlpha)");
      check(trendVarAlpha > 0 && trendVarAlpha <= 1, "trendVarAlpha must be in (0, 1]");
      check(trendVarClip > 1, "trendVarClip must be above 1 (times the learnt scale)");
      check(trendRangeFloor >= 0, "trendRangeFloor must not be negative (a share of the range)");
      check(trendReport > 0, "trendReport must be positive (nats)");
      check(trendMemories >= 0, "trendMemories must not be negative (memories of trendAlpha)");
      check(trendClip > 0, "trendClip must be positive (sigmas)");
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }

    SeasonalBaseline.SeasonalParams seasonalParams() {
      return new SeasonalBaseline.SeasonalParams(
          seasonalProfileAlpha, seasonalVarianceAlpha, seasonalMinSkill, seasonalMinCycles);
    }

    /** The hyperparameters by name, in declaration order. */
    public Map<String, Object> asMap() {
      return RecordParams.asMap(this);
    }

    /** A copy with the named hyperparameters replaced; unknown names are an error. */
    public Params with(Map<String, String> overrides) {
      return RecordParams.with(this, overrides);
    }
  }

  /** Factory of {@link EnsembleDetector}s sharing one set of hyperparameters. */
  public static final class Factory extends ParamsFactory<Params> {
    private static final long serialVersionUID = 1L;

    public Factory(Params params) {
      super("vigil-ensemble", FORMAT, params);
    }

    /** The default configuration; what the metrics job uses unless told otherwise. */
    public static Factory defaults() {
      return new Factory(Params.defaults());
    }

    @Override
    public SeriesDetector create() {
      return new EnsembleDetector(params());
    }

    @Override
    public SeriesDetector restore(DataInput in) throws IOException {
      return read(params(), in);
    }
  }
}
