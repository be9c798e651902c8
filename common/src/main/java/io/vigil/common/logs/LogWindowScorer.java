package io.vigil.common.logs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.special.Gamma;

/**
 * Scores a service's log windows against its own baseline. Six features per window (log volume,
 * error rate, warning rate, distinct templates, new templates, and the Jensen-Shannon divergence of
 * the template distribution from an exponentially decayed baseline distribution of the top-K
 * templates) each get a robust z-score against the median and MAD of the last {@code history}
 * windows; the sum of squares is referred to a chi-square distribution with one degree of freedom
 * per feature (Commons Math's regularized gamma function, which is the chi-square tail), and the
 * tail probability becomes Vigil's calibrated score. Rates, counts and the shift only count
 * upwards: fewer errors or fewer new templates are never an anomaly.
 *
 * <p>The baseline is plain data with a versioned binary form ({@link #snapshot}, {@link #restore}):
 * about 3 KB of history plus 16 bytes per tracked template.
 */
public final class LogWindowScorer {
  static final byte FORMAT = 1;
  public static final String ALGORITHM = "log-window-chi2";
  public static final String VERSION = "1";

  /** Feature names in scoring order. */
  public static final List<String> FEATURES =
      List.of(
          "log_volume",
          "error_rate",
          "warn_rate",
          "distinct_templates",
          "new_templates",
          "template_shift");

  private static final boolean[] TWO_SIDED = {true, false, false, false, false, false};

  /**
   * Smallest scale per feature, so a perfectly steady baseline doesn't make every blip infinite.
   */
  private static final double[] MIN_SCALE = {0.1, 0.01, 0.01, 1.0, 0.5, 0.02};

  /**
   * Knobs: windows of history, warm-up windows, tracked templates, baseline half-life (windows).
   */
  public record Params(int history, int warmup, int topK, double halfLifeWindows)
      implements Serializable {
    public Params {
      if (history < 5 || warmup < 1 || warmup > history || topK < 1 || !(halfLifeWindows > 0)) {
        throw new IllegalArgumentException(
            "need history >= 5, 1 <= warmup <= history, topK >= 1, halfLife > 0");
      }
    }

    public static Params defaults() {
      return new Params(60, 10, 100, 30);
    }
  }

  /** One feature's value and how unusual it is. */
  public record FeatureScore(String name, double value, double median, double z) {}

  /** A template that explains a window: new, or grown beyond its usual count. */
  public record TemplateEvidence(long id, String template, long count, double expected) {}

  /** The verdict on one window. */
  public record Verdict(
      boolean scored,
      double score,
      double tailProbability,
      List<FeatureScore> features,
      List<TemplateEvidence> newTemplates,
      List<TemplateEvidence> grownTemplates) {}

  private final Params params;
  private final int f = FEATURES.size();
  private final double[] history;
  private int filled;
  private int next;
  private long windows;
  private final Map<Long, Double> weights = new HashMap<>();
  private double totalWeight;

  public LogWindowScorer(Params params) {
    this.params = params;
    this.history = new double[params.history() * f];
  }

  public long windows() {
    return windows;
  }

  /** The feature vector of a window (before scoring; uses the baseline distribution). */
  public double[] features(WindowCounts w) {
    double total = Math.max(1, w.total);
    return new double[] {
      Math.log1p(w.total),
      w.errors() / total,
      w.warn / total,
      w.templates.size(),
      w.created.size(),
      jensenShannon(w)
    };
  }

  /** Scores a window, then folds it into the baseline. */
  public Verdict scoreAndUpdate(WindowCounts w) {
    double[] x = features(w);
    List<FeatureScore> fs = new ArrayList<>(f);
    double q = 0;
    double[] column = new double[filled];
    for (int i = 0; i < f; i++) {
      for (int k = 0; k < filled; k++) {
        column[k] = history[k * f + i];
      }
      double med = median(column);
      double mad = madAround(column, med);
      double scale = Math.max(1.4826 * mad, minScale(i, med, w.total));
      double z = filled == 0 ? 0 : (x[i] - med) / scale;
      if (!TWO_SIDED[i]) {
        z = Math.max(0, z);
      }
      q += z * z;
      fs.add(new FeatureScore(FEATURES.get(i), x[i], med, z));
    }
    boolean scored = windows >= params.warmup();
    double p = scored ? Gamma.regularizedGammaQ(f / 2.0, q / 2.0) : 1.0;
    double score = scored ? io.vigil.common.detect.TailScore.fromTailProbability(p) : 0.0;
    Verdict v = new Verdict(scored, score, p, fs, newTemplates(w), grownTemplates(w));
    update(w, x);
    return v;
  }

  /**
   * The counting noise a feature has even in a perfectly steady service, so that a MAD of zero
   * (errors are usually 0 or 1 a window) does not turn one extra event into an anomaly: Poisson
   * noise of the count behind a rate ({@code sqrt(expected + 1) / n}) and of the volume ({@code 1 /
   * sqrt(count)} in log space).
   */
  static double minScale(int feature, double median, long total) {
    double floor = MIN_SCALE[feature];
    if (feature == 0) {
      return Math.max(floor, 1 / Math.sqrt(Math.expm1(median) + 1));
    }
    if ((feature == 1 || feature == 2) && total > 0) {
      return Math.max(floor, Math.sqrt(median * total + 1) / total);
    }
    if (feature == 5) {
      return Math.max(floor, median);
    }
    return floor;
  }

  private void update(WindowCounts w, double[] x) {
    System.arraycopy(x, 0, history, next * f, f);
    next = (next + 1) % params.history();
    filled = Math.min(filled + 1, params.history());
    windows++;
    double decay = Math.pow(0.5, 1.0 / params.halfLifeWindows());
    weights.replaceAll((k, v) -> v * decay);
    totalWeight = totalWeight * decay + w.total;
    w.templates.forEach((id, c) -> weights.merge(id, (double) c, Double::sum));
    if (weights.size() > params.topK()) {
      List<Map.Entry<Long, Double>> es = new ArrayList<>(weights.entrySet());
      es.sort(Map.Entry.<Long, Double>comparingByValue().reversed());
      for (Map.Entry<Long, Double> e : es.subList(params.topK(), es.size())) {
        weights.remove(e.getKey());
      }
    }
  }

  /** Divergence (bits, 0..1) of the window's template distribution from the baseline's. */
  double jensenShannon(WindowCounts w) {
    if (totalWeight <= 0 || w.total == 0) {
      return 0;
    }
    double js = 0;
    double pKnown = 0;
    double qKnown = 0;
    for (Map.Entry<Long, Double> e : weights.entrySet()) {
      double p = w.templates.getOrDefault(e.getKey(), 0L) / (double) w.total;
      double qv = e.getValue() / totalWeight;
      pKnown += p;
      qKnown += qv;
      js += jsTerm(p, qv);
    }
    js += jsTerm(Math.max(0, 1 - pKnown), Math.max(0, 1 - qKnown));
    return Math.max(0, Math.min(1, js));
  }

  private static double jsTerm(double p, double q) {
    double m = (p + q) / 2;
    double t = 0;
    if (p > 0) {
      t += 0.5 * p * Math.log(p / m);
    }
    if (q > 0) {
      t += 0.5 * q * Math.log(q / m);
    }
    return t / Math.log(2);
  }

  private List<TemplateEvidence> newTemplates(WindowCounts w) {
    List<TemplateEvidence> out = new ArrayList<>();
    w.created.forEach(
        (id, c) -> out.add(new TemplateEvidence(id, w.texts.get(id), w.templates.get(id), 0)));
    out.sort(Comparator.comparingLong(TemplateEvidence::count).reversed());
    return out.size() > 5 ? out.subList(0, 5) : out;
  }

  /** Templates whose count grew most beyond their decayed per-window average. */
  private List<TemplateEvidence> grownTemplates(WindowCounts w) {
    double perWindow = 1 - Math.pow(0.5, 1.0 / params.halfLifeWindows());
    List<TemplateEvidence> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : w.templates.entrySet()) {
      if (w.created.containsKey(e.getKey())) {
        continue;
      }
      double expected = weights.getOrDefault(e.getKey(), 0.0) * perWindow;
      if (e.getValue() > 2 * expected + 3) {
        out.add(new TemplateEvidence(e.getKey(), w.texts.get(e.getKey()), e.getValue(), expected));
      }
    }
    out.sort(Comparator.comparingDouble(LogWindowScorer::surprise).reversed());
    return out.size() > 3 ? out.subList(0, 3) : out;
  }

  private static double surprise(TemplateEvidence t) {
    return (t.count() - t.expected()) / Math.sqrt(t.expected() + 1);
  }

  private static double median(double[] v) {
    if (v.length == 0) {
      return 0;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double madAround(double[] v, double med) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = Math.abs(v[i] - med);
    }
    return median(d);
  }

  /** Features as a name-to-value map, for storage. */
  public static Map<String, Double> asMap(double[] x) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < x.length; i++) {
      m.put(FEATURES.get(i), x[i]);
    }
    return m;
  }

  // ---------------------------------------------------------------- state

  /** The baseline in its versioned binary form (format {@value #FORMAT}). */
  public byte[] snapshot() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(64 + history.length * 8);
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeByte(FORMAT);
      out.writeInt(params.history());
      out.writeInt(params.warmup());
      out.writeInt(params.topK());
      out.writeDouble(params.halfLifeWindows());
      out.writeInt(f);
      out.writeInt(filled);
      out.writeInt(next);
      out.writeLong(windows);
      for (int i = 0; i < filled * f; i++) {
        out.writeDouble(history[i]);
      }
      out.writeDouble(totalWeight);
      out.writeInt(weights.size());
      for (Map.Entry<Long, Double> e : weights.entrySet()) {
        out.writeLong(e.getKey());
        out.writeDouble(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory can't fail", e);
    }
    return bos.toByteArray();
  }

  /** Reads a baseline written by {@link #snapshot}. */
  public static LogWindowScorer restore(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IOException("unknown log baseline format " + format);
    }
    LogWindowScorer s =
        new LogWindowScorer(new Params(in.readInt(), in.readInt(), in.readInt(), in.readDouble()));
    if (in.readInt() != s.f) {
      throw new IOException("log baseline has a different feature count");
    }
    s.filled = in.readInt();
    s.next = in.readInt();
    s.windows = in.readLong();
    for (int i = 0; i < s.filled * s.f; i++) {
      s.history[i] = in.readDouble();
    }
    s.totalWeight = in.readDouble();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      s.weights.put(in.readLong(), in.readDouble());
    }
    return s;
  }
}
