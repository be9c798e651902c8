package io.vigil.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.detect.RobustEwmaDetector;
import io.vigil.common.detect.SeverityMapping;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Feedback;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.model.ScoredPoint;
import io.vigil.jobs.metrics.MetricsJobTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ScoreSeriesFunctionTest {
  private static final long MINUTE = 60_000;
  private static final long T0 = 1_700_000_000_000L;
  private static final DetectionSettings SETTINGS =
      new DetectionSettings(SeverityMapping.defaults(), 5.0, 2 * MINUTE, 60 * MINUTE, 0.1, 0.4);

  private static KeyedTwoInputStreamOperatorTestHarness<String, MetricPoint, Feedback, ScoredPoint>
      harness() throws Exception {
    ScoreSeriesFunction f =
        new ScoreSeriesFunction(
            new RobustEwmaDetector.Factory(RobustEwmaDetector.Params.defaults()),
            SETTINGS,
            MetricsJobTags.ANOMALIES,
            MetricsJobTags.LATE,
            MetricsJobTags.APPLIED_FEEDBACK);
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(f), MetricPoint::series, Feedback::series, Types.STRING);
    h.open();
    return h;
  }

  private static MetricPoint point(String metric, long t, double v) {
    return new MetricPoint("acme", "checkout", metric, Map.of("host", "a"), t, v);
  }

  private static List<MetricPoint> series(String metric, int n, int spikeAt) {
    Random r = new Random(7);
    List<MetricPoint> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double v = 100 + r.nextGaussian() * 2 + (i == spikeAt ? 60 : 0);
      out.add(point(metric, T0 + i * MINUTE, v));
    }
    return out;
  }

  private static void feed(
      KeyedTwoInputStreamOperatorTestHarness<String, MetricPoint, Feedback, ScoredPoint> h,
      List<MetricPoint> ps)
      throws Exception {
    for (MetricPoint p : ps) {
      h.processElement1(new StreamRecord<>(p, p.timestamp()));
      h.processBothWatermarks(new Watermark(p.timestamp()));
    }
  }

  @Test
  void scoresEveryPointAndReportsTheSpikeAsAnAnomaly() throws Exception {
    try (var h = harness()) {
      feed(h, series("latency", 200, 150));
      assertThat(h.extractOutputValues()).hasSize(200);
      List<Anomaly> anomalies = anomalies(h);
      assertThat(anomalies).hasSize(1);
      Anomaly a = anomalies.get(0);
      assertThat(a.timestamp()).isEqualTo(T0 + 150 * MINUTE);
      assertThat(a.score()).isGreaterThanOrEqualTo(0.4);
      assertThat(a.explanationJson())
          .contains("\"expected\"")
          .contains("\"why\"")
          .contains("above");
      assertThat(h.getSideOutput(MetricsJobTags.LATE)).isNull();
    }
  }

  @Test
  void pointsBehindTheWatermarkGoToTheLateOutput() throws Exception {
    try (var h = harness()) {
      feed(h, series("latency", 20, -1));
      MetricPoint late = point("latency", T0, 1.0);
      h.processElement1(new StreamRecord<>(late, late.timestamp()));
      assertThat(h.getSideOutput(MetricsJobTags.LATE))
          .extracting(StreamRecord::getValue)
          .containsExactly(late);
      assertThat(h.extractOutputValues()).hasSize(20);
    }
  }

  @Test
  void aPointNewerThanItsSeriesLastIsScoredWhenTheWatermarkRanAheadOfIt() throws Exception {
    try (var h = harness()) {
      feed(h, series("latency", 20, -1));
      // another partition's burst moved the watermark 30 s past this series' next point
      h.processBothWatermarks(new Watermark(T0 + 20 * MINUTE + 30_000));
      MetricPoint next = point("latency", T0 + 20 * MINUTE, 100.0);
      MetricPoint fresh = point("errors", T0 + 20 * MINUTE, 3.0);
      h.processElement1(new StreamRecord<>(next, next.timestamp()));
      h.processElement1(new StreamRecord<>(fresh, fresh.timestamp()));
      assertThat(h.getSideOutput(MetricsJobTags.LATE)).isNull();
      assertThat(h.extractOutputValues())
          .extracting(ScoredPoint::point)
          .hasSize(22)
          .endsWith(next, fresh);
      // the same point again is not newer than the series' last one: late
      h.processElement1(new StreamRecord<>(next, next.timestamp()));
      assertThat(h.getSideOutput(MetricsJobTags.LATE))
          .extracting(StreamRecord::getValue)
          .containsExactly(next);
    }
  }

  @Test
  void aLateBurstInItsSeriesOrderIsScoredAndItsSilenceCheckCountsFromTheWatermark()
      throws Exception {
    try (var h = harness()) {
      // another partition's burst moved the watermark 40 minutes past this series' first point
      long wm = T0 + 40 * MINUTE;
      h.processBothWatermarks(new Watermark(wm));
      List<MetricPoint> burst = series("rps", 30, -1); // T0 .. T0 + 29 min
      feed(h, burst.subList(0, 15));
      // the watermark moves on while the rest of the burst is still in flight: the series' silence
      // check must not take it for silent
      h.processBothWatermarks(new Watermark(wm + MINUTE));
      feed(h, burst.subList(15, 30));
      assertThat(h.getSideOutput(MetricsJobTags.LATE)).as("dead letters").isNull();
      assertThat(h.extractOutputValues()).extracting(ScoredPoint::point).isEqualTo(burst);
      assertThat(anomalies(h)).as("no dropout while the burst arrives").isEmpty();
      // after the burst the series is silent: reported once, a dropout gap (5 min) past the
      // watermark its last point arrived at
      h.processBothWatermarks(new Watermark(wm + 6 * MINUTE - 1));
      assertThat(anomalies(h)).isEmpty();
      h.processBothWatermarks(new Watermark(wm + 6 * MINUTE));
      assertThat(anomalies(h)).hasSize(1);
      assertThat(anomalies(h).get(0).explanationJson()).contains("dropout");
    }
  }

  @Test
  void silenceIsReportedOnceAsDropoutThenStateAndTimersAreDeleted() throws Exception {
    try (var h = harness()) {
      feed(h, series("rps", 50, -1));
      long last = T0 + 49 * MINUTE;
      assertThat(h.numKeyedStateEntries()).isEqualTo(1);
      assertThat(h.numEventTimeTimers()).isEqualTo(1);

      h.processBothWatermarks(new Watermark(last + 5 * MINUTE));
      List<Anomaly> anomalies = anomalies(h);
      assertThat(anomalies).hasSize(1);
      assertThat(anomalies.get(0).explanationJson())
          .contains("dropout")
          .contains("no data for 300 s");
      assertThat(anomalies.get(0).tags()).containsEntry("host", "a");

      h.processBothWatermarks(new Watermark(last + 59 * MINUTE));
      assertThat(anomalies(h)).hasSize(1);
      assertThat(h.numKeyedStateEntries()).isEqualTo(1);

      h.processBothWatermarks(new Watermark(last + 60 * MINUTE));
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void snapshotAndRestoreContinueWithIdenticalScores() throws Exception {
    List<MetricPoint> all = series("cpu", 300, 250);
    List<ScoredPoint> uninterrupted;
    try (var h = harness()) {
      feed(h, all);
      uninterrupted = h.extractOutputValues();
    }
    OperatorSubtaskState snapshot;
    List<ScoredPoint> resumed = new ArrayList<>();
    try (var h = harness()) {
      feed(h, all.subList(0, 120));
      resumed.addAll(h.extractOutputValues());
      snapshot = h.snapshot(1, 1);
    }
    try (var h2 =
        new KeyedTwoInputStreamOperatorTestHarness<String, MetricPoint, Feedback, ScoredPoint>(
            new KeyedCoProcessOperator<>(
                new ScoreSeriesFunction(
                    new RobustEwmaDetector.Factory(RobustEwmaDetector.Params.defaults()),
                    SETTINGS,
                    MetricsJobTags.ANOMALIES,
                    MetricsJobTags.LATE,
                    MetricsJobTags.APPLIED_FEEDBACK)),
            MetricPoint::series,
            Feedback::series,
            Types.STRING)) {
      h2.initializeState(snapshot);
      h2.open();
      feed(h2, all.subList(120, all.size()));
      resumed.addAll(h2.extractOutputValues());
      assertThat(anomalies(h2)).hasSize(1);
    }
    assertThat(resumed).containsExactlyElementsOf(uninterrupted);
  }

  @Test
  void aFalseAlarmRaisesTheSeriesThresholdAndAConfirmationLowersItAgain() throws Exception {
    // Moderate deviations every 40 points; the same stream is scored with and without feedback.
    List<MetricPoint> ps = new ArrayList<>();
    Random r = new Random(3);
    for (int i = 0; i < 400; i++) {
      double v = 100 + r.nextGaussian() * 2 + (i >= 80 && i % 40 == 0 ? 10 : 0);
      ps.add(point("queue", T0 + i * MINUTE, v));
    }
    int withoutFeedback;
    try (var h = harness()) {
      feed(h, ps);
      withoutFeedback = anomalies(h).size();
    }
    assertThat(withoutFeedback).isGreaterThanOrEqualTo(4);
    try (var h = harness()) {
      feed(h, ps.subList(0, 90));
      Anomaly first = anomalies(h).get(0);
      Feedback falseAlarm =
          new Feedback("f1", first.id(), first.series(), false, "oncall", "noise", T0);
      for (int i = 0; i < 4; i++) {
        h.processElement2(new StreamRecord<>(falseAlarm));
      }
      feed(h, ps.subList(90, 400));
      assertThat(anomalies(h)).hasSize(1);
      assertThat(h.getSideOutput(MetricsJobTags.APPLIED_FEEDBACK)).hasSize(4);

      Feedback confirmed = new Feedback("f2", first.id(), first.series(), true, "oncall", "", T0);
      for (int i = 0; i < 4; i++) {
        h.processElement2(new StreamRecord<>(confirmed));
      }
      List<MetricPoint> more = new ArrayList<>();
      for (int i = 400; i < 480; i++) {
        more.add(
            point("queue", T0 + i * MINUTE, 100 + r.nextGaussian() * 2 + (i % 40 == 0 ? 10 : 0)));
      }
      feed(h, more);
      assertThat(anomalies(h)).hasSizeGreaterThan(1);
    }
  }

  private static List<Anomaly> anomalies(
      KeyedTwoInputStreamOperatorTestHarness<String, MetricPoint, Feedback, ScoredPoint> h) {
    var records = h.getSideOutput(MetricsJobTags.ANOMALIES);
    List<Anomaly> out = new ArrayList<>();
    if (records != null) {
      records.forEach(r -> out.add(r.getValue()));
    }
    return out;
  }
}
