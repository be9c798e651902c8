package io.vigil.jobs.metrics.functions;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.ExpiringState;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Estimates a histogram's quantiles (p50, p90, p99 by default) from its bucket series, keyed by
 * histogram ({@link Histograms#histogramKey}), as Prometheus' {@code histogram_quantile(q,
 * rate(x_bucket[..]))} does: what is scored and alerted on is {@code x{quantile="0.99"}}, the
 * latency most requests stay under, not how fast each bucket's counter grows.
 *
 * <p>The buckets of one histogram at one time may come in any order and from different Kafka
 * partitions (Prometheus' remote write sends every bucket as its own sample), so they are gathered
 * per timestamp and estimated when the watermark passes it: then every bucket of that time has
 * arrived. Cumulative buckets (totals since the sender started) are compared with the previous
 * complete set, bucket by bucket over the bounds both have, a bucket that fell being a reset that
 * counts from zero; the first set of a histogram is its baseline. Non-cumulative buckets (an OTLP
 * delta histogram, already an increase) are used as they are. A set without observations in the
 * interval has no quantile and gives none.
 *
 * <p>Nothing is dropped silently: a bucket that arrives after the watermark passed its time (its
 * set was already estimated), a bucket whose {@code le} is not a number, and a set without its
 * {@code +Inf} bucket (nothing says how many observations there were) go to the dead letters with
 * the reason. State per histogram: the sets waiting for the watermark (usually one) and the last
 * complete cumulative set, 16 bytes a bucket; the latter expires {@code retentionMs} after its last
 * write, as the series' detector state does.
 */
public final class HistogramQuantileFunction
    extends KeyedProcessFunction<String, MetricPoint, MetricPoint> {
  private static final long serialVersionUID = 1L;

  /** The buckets of one histogram at one time so far, by increasing bound; one of them as said. */
  public record Pending(MetricPoint first, double[] bounds, double[] counts) {}

  /** A cumulative histogram's last complete set of buckets. */
  public record Totals(long timestamp, double[] bounds, double[] counts) {}

  private final OutputTag<DeadLetter> deadLetters;
  private final double[] quantiles;
  private final long retentionMs;
  private transient MapState<Long, Pending> pending;
  private transient ValueState<Totals> last;
  private transient Counter estimated;
  private transient Counter baselines;
  private transient Counter resets;
  private transient Counter rejected;

  /**
   * @param quantiles the ranks to estimate, each in (0, 1)
   */
  public HistogramQuantileFunction(
      OutputTag<DeadLetter> deadLetters, double[] quantiles, long retentionMs) {
    for (double q : quantiles) {
      if (!(q > 0 && q < 1)) {
        throw new IllegalArgumentException("quantiles must be in (0, 1), was " + q);
      }
    }
    this.deadLetters = deadLetters;
    this.quantiles = quantiles.clone();
    this.retentionMs = retentionMs;
  }

  @Override
  public void open(OpenContext openContext) {
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "histogram-pending", Types.LONG, TypeInformation.of(Pending.class)));
    last =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor(
                    "histogram-totals", TypeInformation.of(Totals.class), retentionMs));
    var group = getRuntimeContext().getMetricGroup().addGroup("vigil");
    estimated = group.counter("histogramQuantiles");
    baselines = group.counter("histogramBaselines");
    resets = group.counter("histogramResets");
    rejected = group.counter("histogramBucketsRejected");
  }

  @Override
  public void processElement(MetricPoint p, Context ctx, Collector<MetricPoint> out)
      throws Exception {
    long t = p.timestamp();
    if (t <= ctx.timerService().currentWatermark()) {
      reject(
          ctx,
          p,
          "histogram bucket at "
              + t
              + " arrived after the watermark ("
              + ctx.timerService().currentWatermark()
              + ") had passed it: the quantiles of that time were already estimated");
      return;
    }
    double bound;
    try {
      bound = Histograms.parseBound(p.tags().get(Histograms.LE));
    } catch (NumberFormatException e) {
      reject(
          ctx,
          p,
          "histogram bucket's le '" + p.tags().get(Histograms.LE) + "' is not a number or +Inf");
      return;
    }
    Pending set = pending.get(t);
    if (set == null) {
      ctx.timerService().registerEventTimeTimer(t);
      pending.put(t, new Pending(p, new double[] {bound}, new double[] {p.value()}));
      return;
    }
    pending.put(t, with(set, bound, p.value()));
  }

  /** The set with one more bucket, kept in bound order; a repeated bucket's later reading wins. */
  static Pending with(Pending set, double bound, double count) {
    int i = Arrays.binarySearch(set.bounds(), bound);
    if (i >= 0) {
      double[] counts = set.counts().clone();
      counts[i] = count;
      return new Pending(set.first(), set.bounds(), counts);
    }
    int at = -i - 1;
    int n = set.bounds().length;
    double[] bounds = new double[n + 1];
    double[] counts = new double[n + 1];
    System.arraycopy(set.bounds(), 0, bounds, 0, at);
    System.arraycopy(set.counts(), 0, counts, 0, at);
    bounds[at] = bound;
    counts[at] = count;
    System.arraycopy(set.bounds(), at, bounds, at + 1, n - at);
    System.arraycopy(set.counts(), at, counts, at + 1, n - at);
    return new Pending(set.first(), bounds, counts);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<MetricPoint> out) throws Exception {
    Pending set = pending.get(t);
    if (set == null) {
      return;
    }
    pending.remove(t);
    MetricPoint first = set.first();
    int n = set.bounds().length;
    if (set.bounds()[n - 1] != Double.POSITIVE_INFINITY) {
      reject(
          ctx,
          first,
          "histogram '"
              + Histograms.histogramName(first)
              + "' at "
              + t
              + " has "
              + n
              + " bucket(s) but no le=\"+Inf\" one: without the total its quantiles can't be"
              + " estimated");
      return;
    }
    double[] bounds = set.bounds();
    double[] increase = set.counts();
    if (first.cumulative()) {
      Totals before = last.value();
      last.update(new Totals(t, bounds, set.counts()));
      if (before == null || before.timestamp() >= t) {
        baselines.inc();
        return;
      }
      Totals common = increase(before, bounds, set.counts());
      bounds = common.bounds();
      increase = common.counts();
    }
    Map<String, String> tags = Histograms.histogramTags(first);
    String name = Histograms.histogramName(first);
    for (double q : quantiles) {
      double v = Histograms.quantile(q, bounds, increase);
      if (Double.isNaN(v)) {
        continue; // no observations in the interval
      }
      Map<String, String> qt = new TreeMap<>(tags);
      qt.put(Histograms.QUANTILE, Histograms.format(q));
      out.collect(new MetricPoint(first.tenant(), first.source(), name, qt, t, v));
      estimated.inc();
    }
  }

  /**
   * Each bucket's increase since {@code before}, over the bounds both sets have; a bucket that fell
   * was reset and counts from zero. The result's timestamp is unused.
   */
  private Totals increase(Totals before, double[] bounds, double[] counts) {
    double[] b = new double[bounds.length];
    double[] c = new double[bounds.length];
    int n = 0;
    boolean reset = false;
    for (int i = 0; i < bounds.length; i++) {
      int j = Arrays.binarySearch(before.bounds(), bounds[i]);
      if (j < 0) {
        continue;
      }
      double was = before.counts()[j];
      reset |= counts[i] < was;
      b[n] = bounds[i];
      c[n++] = counts[i] >= was ? counts[i] - was : counts[i];
    }
    if (reset) {
      resets.inc();
    }
    return new Totals(0, Arrays.copyOf(b, n), Arrays.copyOf(c, n));
  }

  private void reject(Context ctx, MetricPoint p, String reason) {
    rejected.inc();
    ctx.output(
        deadLetters,
        new DeadLetter("histogram", reason, "", -1, -1, p.timestamp(), MetricJsonCodec.encode(p)));
  }
}
