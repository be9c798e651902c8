package io.vigil.jobs.metrics.functions;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.ExpiringState;
import io.vigil.jobs.core.VigilMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
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
 * metric family ({@link Histograms#familyKey}), as Prometheus' {@code histogram_quantile(q,
 * rate(x_bucket[..]))} does: what is scored and alerted on is {@code x{quantile="0.99"}}, the
 * latency most requests stay under, not how fast each bucket's counter grows.
 *
 * <p>The buckets of one histogram at one time may come in any order and from different Kafka
 * partitions (Prometheus' remote write sends every bucket as its own sample), so they are gathered
 * per timestamp and estimated when the watermark passes it: then every bucket of that time has
 * arrived. A cumulative histogram's reading is estimated sooner, as soon as it has every bound the
 * last one had and comes the usual interval after it (within 1.5 times the last interval: no
 * reading skipped that a partition read behind the others may still bring; none waiting before it):
 * the next reading need not arrive to move the watermark, so the quantiles lag the buckets by
 * nothing rather than by a scrape interval. Cumulative buckets (totals since the sender started)
 * are compared with the previous complete set, bucket by bucket over the bounds both have, a bucket
 * that fell being a reset that counts from zero; the first set of a histogram is its baseline.
 * Non-cumulative buckets (an OTLP delta histogram, already an increase) are used as they are. A set
 * without observations in the interval has no quantile and gives none.
 *
 * <p>A family's {@code x_count} and {@code x_sum} are running totals, but senders without types
 * (Prometheus' remote write, line protocol, Telegraf) do not say so, and a gauge may be called
 * {@code queue_count} too. So an unmarked {@code _count} or {@code _sum} comes here as well: once
 * its family has shown a bucket or a summary's {@code x{quantile=..}} series (which pass through
 * unchanged), it leaves marked as a running total (the job then scores its per-second rate); before
 * that it is held until the watermark passes its time, when every series of its reading has
 * arrived, and leaves as it came if none of them said it was a total. The held ones are released in
 * time order as soon as the family is known, so a series never leaves out of order. A family one of
 * whose readings was complete without a bucket or quantile series is a plain one (a gauge called
 * {@code queue_count}, a summary without quantiles): its later totals are not held but leave as
 * they came at once, unless a bucket or quantile series turns up after all, which makes it a known
 * family from then on.
 *
 * <p>A bound a cumulative reading did not have when it was estimated early (the sender added one,
 * and the bounds it had before completed the reading first) comes too late for that reading's
 * quantiles, but is kept with it as the baseline of the next reading's increase, so the new bucket
 * counts from the next reading on instead of from the one after.
 *
 * <p>Nothing is dropped silently: a bucket that arrives after its set was estimated (the watermark
 * passed its time, or a bucket of a bound the set already had: resent), a bucket whose {@code le}
 * is not a number, and a set without its {@code +Inf} bucket (nothing says how many observations
 * there were) go to the dead letters with the reason. State per family: the sets waiting for the
 * watermark (usually one), the last complete cumulative set, 16 bytes a bucket, and when it was
 * last seen as a histogram or summary; the latter two expire {@code retentionMs} after their last
 * write, as the series' detector state does; plus the totals held while the family is not known.
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
  private transient ValueState<Long> family;
  private transient ValueState<Boolean> plain;
  private transient ValueState<Long> interval;
  private transient ListState<MetricPoint> held;
  private transient Counter estimated;
  private transient Counter baselines;
  private transient Counter resets;
  private transient Counter rejected;
  private transient Counter totals;
  private transient Counter early;
  private transient Counter newBounds;

  /**
   * @param quantiles the ranks to estimate, each in (0, 1); none: the buckets go on unchanged (as
   *     running totals, scored as rates) and the step only tells the family's totals
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
    family =
        getRuntimeContext()
            .getState(ExpiringState.descriptor("histogram-family", Types.LONG, retentionMs));
    plain =
        getRuntimeContext()
            .getState(ExpiringState.descriptor("histogram-plain", Types.BOOLEAN, retentionMs));
    interval =
        getRuntimeContext()
            .getState(ExpiringState.descriptor("histogram-interval", Types.LONG, retentionMs));
    held =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>(
                    "histogram-held-totals", TypeInformation.of(MetricPoint.class)));
    var group = VigilMetrics.of(getRuntimeContext());
    estimated = group.counter("histogramQuantiles");
    baselines = group.counter("histogramBaselines");
    resets = group.counter("histogramResets");
    rejected = group.counter("histogramBucketsRejected");
    totals = group.counter("histogramTotals");
    early = group.counter("histogramCompleteReadings");
    newBounds = group.counter("histogramBoundsAfterEstimate");
  }

  @Override
  public void processElement(MetricPoint p, Context ctx, Collector<MetricPoint> out)
      throws Exception {
    long t = p.timestamp();
    if (!Histograms.isBucket(p)) {
      if (Histograms.isSummaryQuantile(p)) {
        seen(t, out);
        out.collect(p);
      } else if (family.value() != null) {
        totals.inc();
        out.collect(p.asCumulative());
      } else if (t <= ctx.timerService().currentWatermark()) {
        out.collect(p); // its reading is complete and said nothing: as it came
      } else if (plain.value() != null) {
        plain.update(true); // keeps it from expiring while the series lives
        out.collect(p); // a whole reading of the family had no bucket or quantile: as it came
      } else {
        held.add(p);
        ctx.timerService().registerEventTimeTimer(t);
      }
      return;
    }
    if (quantiles.length == 0) {
      seen(t, out); // no quantiles asked for: the buckets go on as they came, scored as rates
      out.collect(p);
      return;
    }
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
    Totals before = p.cumulative() ? last.value() : null;
    if (before != null
        && t == before.timestamp()
        && Arrays.binarySearch(before.bounds(), bound) < 0) {
      // a bound this reading did not have when it was estimated (its sender added one, and the
      // old bounds completed the reading first): too late for these quantiles, but it is the
      // baseline the next reading's increase of that bucket needs
      Pending grown = with(new Pending(p, before.bounds(), before.counts()), bound, p.value());
      last.update(new Totals(t, grown.bounds(), grown.counts()));
      newBounds.inc();
      return;
    }
    if (before != null && t <= before.timestamp()) {
      reject(
          ctx,
          p,
          "histogram bucket at "
              + t
              + " arrived after the quantiles of that time were estimated (the buckets of "
              + before.timestamp()
              + " had all arrived)");
      return;
    }
    Pending set = pending.get(t);
    if (set == null) {
      seen(t, out); // once a reading, not once a bucket
      ctx.timerService().registerEventTimeTimer(t);
      set = new Pending(p, new double[] {bound}, new double[] {p.value()});
    } else {
      set = with(set, bound, p.value());
    }
    if (before != null && Arrays.equals(set.bounds(), before.bounds()) && next(before, t)) {
      // every bucket the last reading had is here: this reading is complete, no need to wait
      // for the watermark (a histogram's layout rarely changes; when it does, the watermark
      // decides as for the first reading)
      pending.remove(t);
      early.inc();
      estimate(t, set, ctx, out);
      return;
    }
    pending.put(t, set);
  }

  /**
   * Whether the reading at {@code t} is the one after {@code before}: within 1.5 of the histogram's
   * last interval between readings (a reading skipped in between may still come, from a partition
   * read behind the others), and no reading before it waiting (readings are estimated in order).
   */
  private boolean next(Totals before, long t) throws Exception {
    Long gap = interval.value();
    if (gap == null || (t - before.timestamp()) * 2 > gap * 3) {
      return false;
    }
    for (Long waiting : pending.keys()) {
      if (waiting < t) {
        return false;
      }
    }
    return true;
  }

  /**
   * Notes that the family showed a bucket or quantile series at {@code t} (written once per
   * reading, which keeps it from expiring); the first time, releases the totals held until then as
   * running totals, in time order.
   */
  private void seen(long t, Collector<MetricPoint> out) throws Exception {
    Long before = family.value();
    if (before != null && before >= t) {
      return;
    }
    family.update(t);
    plain.clear();
    if (before == null) {
      List<MetricPoint> waiting = new ArrayList<>();
      held.get().forEach(waiting::add);
      waiting.sort(Comparator.comparingLong(MetricPoint::timestamp));
      for (MetricPoint p : waiting) {
        totals.inc();
        out.collect(p.asCumulative());
      }
      held.clear();
    }
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
    release(t, out);
    Pending set = pending.get(t);
    if (set == null) {
      return; // estimated as soon as it was complete
    }
    pending.remove(t);
    estimate(t, set, ctx, out);
  }

  /** The quantiles of the reading at {@code t}, from its buckets' increase since the last one. */
  private void estimate(long t, Pending set, Context ctx, Collector<MetricPoint> out)
      throws Exception {
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
      interval.update(t - before.timestamp());
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
   * Lets the totals held up to {@code t} go as they came: their readings are complete and no bucket
   * or quantile series said they were running totals.
   */
  private void release(long t, Collector<MetricPoint> out) throws Exception {
    Iterable<MetricPoint> waiting = held.get();
    if (waiting == null || !waiting.iterator().hasNext()) {
      return;
    }
    List<MetricPoint> later = new ArrayList<>();
    for (MetricPoint p : waiting) {
      if (p.timestamp() <= t) {
        out.collect(p);
      } else {
        later.add(p);
      }
    }
    held.update(later);
    if (family.value() == null) {
      plain.update(true);
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
