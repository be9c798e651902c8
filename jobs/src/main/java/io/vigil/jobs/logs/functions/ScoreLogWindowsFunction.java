package io.vigil.jobs.logs.functions;

import io.vigil.common.detect.SeverityMapping;
import io.vigil.common.logs.LogWindowScorer;
import io.vigil.common.logs.WindowCounts;
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

  private final long windowMillis;
  private final long stateTtlMillis;
  private final LogWindowScorer.Params params;
  private final SeverityMapping severities;
  private final OutputTag<LogAnomaly> anomalies;
  private transient MapState<Long, WindowCounts> windows;
  private transient ValueState<byte[]> baseline;
  private transient ValueState<Long> cleanup;
  private transient Counter anomalyCounter;

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
    anomalyCounter = getRuntimeContext().getMetricGroup().addGroup("vigil").counter("logAnomalies");
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
      Long registered = cleanup.value();
      if (registered != null && registered == timestamp) {
        baseline.clear();
        cleanup.clear();
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
    long cleanupAt = timestamp + stateTtlMillis;
    Long registered = cleanup.value();
    if (registered != null) {
      ctx.timerService().deleteEventTimeTimer(registered);
    }
    ctx.timerService().registerEventTimeTimer(cleanupAt);
    cleanup.update(cleanupAt);
  }
}
