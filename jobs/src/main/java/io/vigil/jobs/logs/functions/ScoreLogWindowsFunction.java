package io.vigil.jobs.logs.functions;

import io.vigil.common.detect.SeverityMapping;
import io.vigil.common.logs.LogWindowScorer;
import io.vigil.common.logs.SilenceModel;
import io.vigil.common.logs.WindowCounts;
import io.vigil.jobs.core.VigilMetrics;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Counts each (tenant, service)'s mined logs in event-time tumbling windows and, when the watermark
 * closes a window, computes its features, scores them against the service's baseline ({@link
 * LogWindowScorer}) and emits the feature window; anomalous windows also go to a side output with
 * an explanation naming the features and the templates responsible. The baseline is deleted {@code
 * stateTtl} of event time after the last window.
 */
public final class ScoreLogWindowsFunction
    extends KeyedProcessFunction<String, MinedLog, FeatureWindow> {
  private static final long serialVersionUID = 1L;

  static final MapStateDescriptor<Long, WindowCounts> WINDOWS =
      new MapStateDescriptor<>("windows", Types.LONG, TypeInformation.of(WindowCounts.class));
  static final ValueStateDescriptor<byte[]> BASELINE =
      new ValueStateDescriptor<>(
          "baseline",
          org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo
              .BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  static final ValueStateDescriptor<Long> CLEANUP =
      new ValueStateDescriptor<>("cleanup-timer", Types.LONG);
  static final ValueStateDescriptor<byte[]> SILENCE =
      new ValueStateDescriptor<>(
          "silence",
          org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo
              .BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  static final ValueStateDescriptor<Long> SILENCE_TIMER =
      new ValueStateDescriptor<>("silence-timer", Types.LONG);
  static final ValueStateDescriptor<Long> SILENCE_REPORTED =
      new ValueStateDescriptor<>("silence-reported-window", Types.LONG);

  /** The evidence of a score of 1.0: p = 10^-10. */
  private static final double SATURATION_NATS = 10 * Math.log(10);

  /** The longest silence looked ahead for: a day of windows, at most 10,000. */
  private static final long LOOKAHEAD_MILLIS = 86_400_000L;

  private final long windowMillis;
  private final long stateTtlMillis;
  private final LogWindowScorer.Params params;
  private final SeverityMapping severities;
  private final OutputTag<LogAnomaly> anomalies;
  private transient MapState<Long, WindowCounts> windows;
  private transient ValueState<byte[]> baseline;
  private transient ValueState<Long> cleanup;
  private transient ValueState<byte[]> silence;
  private transient ValueState<Long> silenceTimer;
  private transient ValueState<Long> silenceReported;
  private transient Counter anomalyCounter;
  private transient Counter silenceCounter;

  public ScoreLogWindowsFunction(
      long windowMillis,
      long stateTtlMillis,
      LogWindowScorer.Params params,
      SeverityMapping severities,
      OutputTag<LogAnomaly> anomalies) {
    this.windowMillis = windowMillis;
    this.stateTtlMillis = stateTtlMillis;
    this.params = params;
    this.severities = severities;
    this.anomalies = anomalies;
  }

  @Override
  public void open(OpenContext openContext) {
    windows = getRuntimeContext().getMapState(WINDOWS);
    baseline = getRuntimeContext().getState(BASELINE);
    cleanup = getRuntimeContext().getState(CLEANUP);
    silence = getRuntimeContext().getState(SILENCE);
    silenceTimer = getRuntimeContext().getState(SILENCE_TIMER);
    silenceReported = getRuntimeContext().getState(SILENCE_REPORTED);
    var group = VigilMetrics.of(getRuntimeContext());
    anomalyCounter = group.counter("logAnomalies");
    silenceCounter = group.counter("logSilences");
  }

  @Override
  public void processElement(MinedLog m, Context ctx, Collector<FeatureWindow> out)
      throws Exception {
    long start = m.timestamp() - Math.floorMod(m.timestamp(), windowMillis);
    WindowCounts c = windows.get(start);
    if (c == null) {
      c = new WindowCounts();
      ctx.timerService().registerEventTimeTimer(start + windowMillis - 1);
    }
    c.add(m.severity(), m.templateId(), m.template(), m.created());
    windows.put(start, c);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeatureWindow> out)
      throws Exception {
    long start = timestamp + 1 - windowMillis;
    WindowCounts c = windows.get(start);
    if (c == null) {
      Long armed = silenceTimer.value();
      if (armed != null && armed == timestamp) {
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
          silenceTimer.clear(); // the input ended (bounded, or drained): that is not silence
        } else {
          reportSilence(start, ctx);
        }
      }
      Long registered = cleanup.value();
      if (registered != null && registered == timestamp) {
        baseline.clear();
        cleanup.clear();
        silence.clear();
        silenceTimer.clear();
        silenceReported.clear();
      }
      return;
    }
    windows.remove(start);
    byte[] b = baseline.value();
    LogWindowScorer scorer = b == null ? new LogWindowScorer(params) : LogWindowScorer.restore(b);
    double[] features = scorer.features(c);
    LogWindowScorer.Verdict v = scorer.scoreAndUpdate(c);
    baseline.update(scorer.snapshot());
    String[] scope = ctx.getCurrentKey().split("\u001f", 2);
    FeatureWindow fw =
        LogExplanations.featureWindow(scope[0], scope[1], start, windowMillis, c, features, v);
    out.collect(fw);
    if (v.scored() && severities.isAnomaly(v.score())) {
      anomalyCounter.inc();
      ctx.output(anomalies, new LogAnomaly(LogExplanations.anomaly(fw, c, v, severities), fw));
    }
    armSilence(start, ctx);
    long cleanupAt = timestamp + stateTtlMillis;
    Long registered = cleanup.value();
    if (registered != null) {
      ctx.timerService().deleteEventTimeTimer(registered);
    }
    ctx.timerService().registerEventTimeTimer(cleanupAt);
    cleanup.update(cleanupAt);
  }

  private SilenceModel silenceModel() throws Exception {
    byte[] b = silence.value();
    return b == null
        ? new SilenceModel(SilenceModel.DEFAULT_ALPHA)
        : SilenceModel.restore(b, SilenceModel.DEFAULT_ALPHA);
  }

  /**
   * Learns the active window at {@code start} and sets a timer at the end of the empty window that
   * would make the silence after it news, deleting the one armed before unless an open window's
   * timer has the same time (a timer that is not the armed one does nothing when it fires).
   */
  private void armSilence(long start, Context ctx) throws Exception {
    SilenceModel m = silenceModel();
    m.active(start, windowMillis);
    silence.update(m.snapshot());
    silenceReported.clear();
    long at = m.reportAt(reportNats(), params.warmup(), windowMillis, lookahead());
    Long old = silenceTimer.value();
    if (old != null && old != at - 1 && !windows.contains(old + 1 - windowMillis)) {
      // not shared with an open window's timer: one pending silence timer per service, not one
      // per window of the lookahead (a window opened there later registers its own)
      ctx.timerService().deleteEventTimeTimer(old);
    }
    if (at < 0) {
      silenceTimer.clear();
      return;
    }
    silenceTimer.update(at - 1);
    ctx.timerService().registerEventTimeTimer(at - 1);
  }

  private int lookahead() {
    return (int) Math.max(1, Math.min(10_000, LOOKAHEAD_MILLIS / windowMillis));
  }

  /** The evidence, in nats, of the anomaly threshold: p = 10^(-10 threshold). */
  private double reportNats() {
    return severities.threshold() * 10 * Math.log(10);
  }

  /**
   * The service logged nothing from its last active window to the end of the one at {@code start}.
   * The first report of a silence is an anomaly at that window; if its score is below 1.0, it is
   * reported again, as the same anomaly (same id, same window: the row is updated, not added), when
   * the silence has lasted long enough to be beyond doubt, so its severity grows with it.
   */
  private void reportSilence(long start, OnTimerContext ctx) throws Exception {
    silenceTimer.clear();
    SilenceModel m = silenceModel();
    long end = start + windowMillis;
    double nats = m.evidenceUntil(end, windowMillis);
    double score = Math.min(1.0, nats / SATURATION_NATS);
    if (!severities.isAnomaly(score)) {
      return;
    }
    Long first = silenceReported.value();
    long at = first == null ? start : first;
    if (first == null) {
      m.reported();
      silence.update(m.snapshot());
      silenceReported.update(start);
      silenceCounter.inc();
      anomalyCounter.inc();
    }
    String[] scope = ctx.getCurrentKey().split("\u001f", 2);
    WindowCounts empty = new WindowCounts();
    byte[] b = baseline.value();
    LogWindowScorer scorer = b == null ? new LogWindowScorer(params) : LogWindowScorer.restore(b);
    LogWindowScorer.Verdict v =
        new LogWindowScorer.Verdict(true, score, Math.exp(-nats), List.of(), List.of(), List.of());
    FeatureWindow fw =
        LogExplanations.featureWindow(
            scope[0], scope[1], at, windowMillis, empty, scorer.features(empty), v);
    ctx.output(
        anomalies,
        new LogAnomaly(LogExplanations.silence(fw, m, end, nats, score, severities), fw));
    if (score < 1.0) {
      long beyondDoubt = m.reachedAt(SATURATION_NATS, windowMillis, lookahead());
      if (beyondDoubt > end) {
        silenceTimer.update(beyondDoubt - 1);
        ctx.timerService().registerEventTimeTimer(beyondDoubt - 1);
      }
    }
  }
}
