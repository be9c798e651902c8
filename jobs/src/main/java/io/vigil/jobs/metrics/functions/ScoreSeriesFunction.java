package io.vigil.jobs.metrics.functions;

import io.vigil.common.detect.AnomalyBuilder;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.Score;
import io.vigil.common.detect.SeriesDetector;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Feedback;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.model.ScoredPoint;
import io.vigil.common.model.SeriesKey;
import io.vigil.jobs.core.VigilMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Scores every point of a series with its online detector kept in keyed state, emits the scored
 * point, and sends anomalies (score over the threshold, or a series gone silent) to a side output.
 * Points behind the watermark go to the late side output, unless they are newer than their series'
 * last point ({@link #stillUsable}). One event-time timer per series checks for dropouts and, after
 * the TTL, deletes the series' state. On-call feedback (the second input) moves the series'
 * threshold: up after a false alarm, back down after a confirmed anomaly; each applied verdict goes
 * to the feedback side output.
 */
public final class ScoreSeriesFunction
    extends KeyedCoProcessFunction<String, MetricPoint, Feedback, ScoredPoint> {
  private static final long serialVersionUID = 1L;
  static final ValueStateDescriptor<SeriesState> STATE =
      new ValueStateDescriptor<>("series", SeriesState.class);

  /** Weight of a new inter-arrival time in the interval estimate. */
  private static final double INTERVAL_ALPHA = 0.1;

  /** Dropout anomalies carry this score: certain, but for an operator not the worst news. */
  static final double DROPOUT_SCORE = 0.7;

  private final DetectorFactory factory;
  private final DetectionSettings settings;
  private final OutputTag<Anomaly> anomalies;
  private final OutputTag<MetricPoint> late;
  private final OutputTag<Feedback> appliedFeedback;
  private transient ValueState<SeriesState> state;
  private transient Counter lateCounter;
  private transient Counter anomalyCounter;

  public ScoreSeriesFunction(
      DetectorFactory factory,
      DetectionSettings settings,
      OutputTag<Anomaly> anomalies,
      OutputTag<MetricPoint> late,
      OutputTag<Feedback> appliedFeedback) {
    this.factory = factory;
    this.settings = settings;
    this.anomalies = anomalies;
    this.late = late;
    this.appliedFeedback = appliedFeedback;
  }

  @Override
  public void open(OpenContext openContext) {
    state = getRuntimeContext().getState(STATE);
    var group = VigilMetrics.of(getRuntimeContext());
    lateCounter = group.counter("latePoints");
    anomalyCounter = group.counter("anomalies");
  }

  @Override
  public void processElement1(MetricPoint p, Context ctx, Collector<ScoredPoint> out)
      throws IOException {
    SeriesState s = state.value();
    if (p.timestamp() < ctx.timerService().currentWatermark() && !stillUsable(s, p)) {
      lateCounter.inc();
      ctx.output(late, p);
      return;
    }
    if (s != null && isDropoutCheck(s) && !s.dropoutReported() && p.timestamp() >= s.timer()) {
      // The silence ended before the watermark fired the timer: report it now, identically.
      reportDropout(ctx.getCurrentKey(), s, s.timer(), ctx);
    }
    SeriesDetector detector = s == null ? factory.create() : restore(s.detector());
    Score score = detector.update(p.timestamp(), p.value());
    out.collect(new ScoredPoint(p, score.score()));
    double shift = s == null ? 0.0 : s.thresholdShift();
    if (settings.severities().isAnomaly(score.score() - shift)) {
      anomalyCounter.inc();
      ctx.output(
          anomalies,
          AnomalyBuilder.fromScore(
              p, score, factory.algorithm(), factory.version(), settings.severities()));
    }
    state.update(advance(s, p, detector, ctx, ctx.timerService().currentWatermark()));
  }

  private SeriesState advance(
      SeriesState s, MetricPoint p, SeriesDetector d, Context ctx, long watermark) {
    long count = s == null ? 1 : s.count() + 1;
    long last = s == null ? p.timestamp() : Math.max(s.lastTimestamp(), p.timestamp());
    double interval = s == null ? 0 : s.meanInterval();
    if (s != null && p.timestamp() > s.lastTimestamp()) {
      double gap = p.timestamp() - s.lastTimestamp();
      interval = interval == 0 ? gap : interval + INTERVAL_ALPHA * (gap - interval);
    }
    long timer = dropoutCheckTime(count, last, interval);
    if (timer <= watermark) {
      // a point of a late burst: its silence check would be overdue before the burst's next point
      // arrives, so it counts from the watermark instead
      timer = watermark + (timer - last);
    }
    long oldTimer = s == null ? Long.MIN_VALUE : s.timer();
    if (timer != oldTimer) {
      if (s != null) {
        ctx.timerService().deleteEventTimeTimer(oldTimer);
      }
      ctx.timerService().registerEventTimeTimer(timer);
    }
    double shift = s == null ? 0.0 : s.thresholdShift();
    return new SeriesState(count, last, interval, timer, false, p.value(), bytes(d), shift);
  }

  /** When to check the series for silence: after a dropout gap, or at TTL before warm-up. */
  private long dropoutCheckTime(long count, long last, double interval) {
    if (count < DetectionSettings.DROPOUT_WARMUP || interval <= 0) {
      return last + settings.seriesTtlMillis();
    }
    long gap =
        Math.max(settings.dropoutMinGapMillis(), (long) (settings.dropoutFactor() * interval));
    return last + Math.min(gap, settings.seriesTtlMillis());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoredPoint> out) {
    SeriesState s;
    try {
      s = state.value();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (s == null || timestamp != s.timer()) {
      return;
    }
    long cleanup = s.lastTimestamp() + settings.seriesTtlMillis();
    if (timestamp >= cleanup) {
      state.clear();
      return;
    }
    // At the end of a bounded input every timer fires; that is not a silence of the series.
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    if (!s.dropoutReported() && !endOfInput) {
      reportDropout(ctx.getCurrentKey(), s, timestamp, ctx);
    }
    ctx.timerService().registerEventTimeTimer(cleanup);
    try {
      state.update(
          new SeriesState(
              s.count(),
              s.lastTimestamp(),
              s.meanInterval(),
              cleanup,
              true,
              s.lastValue(),
              s.detector(),
              s.thresholdShift()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void processElement2(Feedback f, Context ctx, Collector<ScoredPoint> out)
      throws IOException {
    SeriesState s = state.value();
    if (s != null) {
      SeriesDetector detector = restore(s.detector());
      detector.feedback(f.truePositive());
      state.update(
          new SeriesState(
              s.count(),
              s.lastTimestamp(),
              s.meanInterval(),
              s.timer(),
              s.dropoutReported(),
              s.lastValue(),
              bytes(detector),
              settings.shiftAfter(s.thresholdShift(), f.truePositive())));
    }
    ctx.output(appliedFeedback, f);
  }

  /**
   * Whether a point behind the watermark can still be scored: it is newer than its series' last
   * point, the order the detector needs (its silence check then counts from the watermark, see
   * {@link #advance}). Why the watermark can be ahead of such a point at all: when every source
   * subtask was idle and the input resumes, an operator takes the new watermark from the first of
   * its channels to become active again, and the points still in flight on the others (the first of
   * a burst read from another partition) then arrive behind it, as far behind as the burst is long.
   * Flink's idleness gives up the watermark's promise there, and an agent that flushes its buffer
   * after an outage does the same; the series' own order is the one the detector needs.
   * (IncomingAlertsITCase had such late points in 2-3 of 8 runs, with 1 s idleness and a burst of
   * 200 minutes of points sent at once; a bound of {@code detection.dropout-min-gap}, sessions 18
   * to 19, still let a CI run dead-letter one of them.)
   */
  private static boolean stillUsable(SeriesState s, MetricPoint p) {
    return s == null || p.timestamp() > s.lastTimestamp();
  }

  private boolean isDropoutCheck(SeriesState s) {
    return s.timer() - s.lastTimestamp() < settings.seriesTtlMillis();
  }

  private void reportDropout(String key, SeriesState s, long at, Context ctx) {
    anomalyCounter.inc();
    MetricPoint last = SeriesKey.point(key, s.lastTimestamp(), s.lastValue());
    ctx.output(
        anomalies,
        AnomalyBuilder.dropout(
            last,
            at,
            (long) s.meanInterval(),
            DROPOUT_SCORE,
            factory.algorithm(),
            factory.version(),
            settings.severities()));
  }

  private SeriesDetector restore(byte[] bytes) throws IOException {
    return factory.restore(new DataInputStream(new ByteArrayInputStream(bytes)));
  }

  private static byte[] bytes(SeriesDetector d) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(64);
    try {
      d.writeTo(new DataOutputStream(bos));
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory can't fail", e);
    }
    return bos.toByteArray();
  }
}
