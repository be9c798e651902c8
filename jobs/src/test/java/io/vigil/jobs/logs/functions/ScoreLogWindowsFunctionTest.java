package io.vigil.jobs.logs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.detect.SeverityMapping;
import io.vigil.common.logs.LogWindowScorer;
import io.vigil.common.logs.SilenceModel;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.logs.LogJobTags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ScoreLogWindowsFunctionTest {
  private static final long W = 60_000;
  private static final long T0 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KeyedOneInputStreamOperatorTestHarness<String, MinedLog, FeatureWindow> harness()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(
            new ScoreLogWindowsFunction(
                W,
                7 * 86_400_000L,
                LogWindowScorer.Params.defaults(),
                SeverityMapping.defaults(),
                LogJobTags.ANOMALIES)),
        m -> LogEvent.scope(m.tenant(), m.service()),
        Types.STRING);
  }

  /** A few INFO events in every minute of [from, to), the watermark following. */
  private static void logs(
      KeyedOneInputStreamOperatorTestHarness<String, MinedLog, FeatureWindow> h, long from, long to)
      throws Exception {
    for (long t = from; t < to; t += W) {
      for (int i = 0; i < 3; i++) {
        long ts = t + i * 15_000;
        h.processElement(
            new StreamRecord<>(
                new MinedLog("acme", "checkout", ts, "INFO", 7, "ok <*>", false), ts));
      }
      h.processWatermark(t - 1);
    }
  }

  /** The silence anomalies emitted so far, in order (a silence's update repeats its id). */
  private static List<LogAnomaly> emitted(
      KeyedOneInputStreamOperatorTestHarness<String, MinedLog, FeatureWindow> h) throws Exception {
    List<LogAnomaly> out = new ArrayList<>();
    var side = h.getSideOutput(LogJobTags.ANOMALIES);
    if (side != null) {
      for (var r : side) {
        JsonNode e = JSON.readTree(r.getValue().anomaly().explanationJson());
        if ("silence".equals(e.path("component").asText())) {
          out.add(r.getValue());
        }
      }
    }
    return out;
  }

  /** The explanations of the distinct silences (the latest emission of each anomaly id). */
  private static List<JsonNode> silences(
      KeyedOneInputStreamOperatorTestHarness<String, MinedLog, FeatureWindow> h) throws Exception {
    java.util.Map<String, JsonNode> latest = new java.util.LinkedHashMap<>();
    for (LogAnomaly a : emitted(h)) {
      latest.put(a.anomaly().id(), JSON.readTree(a.anomaly().explanationJson()));
    }
    return new ArrayList<>(latest.values());
  }

  @Test
  void aServiceThatStopsLoggingInItsUsualHoursIsOneAnomalyPerSilenceAndSurvivesARestore()
      throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      logs(h, T0, T0 + 90 * W); // 10:00-11:30, then nothing
      h.processWatermark(T0 + 90 * W + 30_000);
      assertThat(silences(h)).as("one empty minute is not news").isEmpty();
      assertThat(h.numEventTimeTimers())
          .as("the cleanup and one silence timer, not one left per window")
          .isEqualTo(2);
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      h.processWatermark(T0 + 91 * W);
      assertThat(silences(h)).as("one empty minute is not news yet").isEmpty();
      h.processWatermark(T0 + 120 * W);
      List<LogAnomaly> out = emitted(h);
      assertThat(silences(h)).hasSize(1);
      LogAnomaly first = out.get(0);
      JsonNode e = JSON.readTree(first.anomaly().explanationJson());
      assertThat(e.path("silent_since").asText()).isEqualTo("2026-12-01T11:30:00Z");
      long minutes =
          (Instant.parse(e.path("silent_until").asText()).toEpochMilli() - (T0 + 90 * W)) / W;
      assertThat(minutes).as("a steady service: news within a few minutes").isBetween(2L, 4L);
      assertThat(first.anomaly().modelAlgorithm()).isEqualTo(SilenceModel.ALGORITHM);
      assertThat(first.anomaly().score()).isBetween(0.4, 0.99);
      assertThat(JSON.readTree(first.window().featuresJson()).path("events").asLong()).isZero();
      // as it lasts, the same anomaly (id, window) is updated until it is beyond doubt
      LogAnomaly last = out.get(out.size() - 1);
      assertThat(out).hasSize(2);
      assertThat(last.anomaly().id()).isEqualTo(first.anomaly().id());
      assertThat(last.window().id()).isEqualTo(first.window().id());
      assertThat(last.anomaly().timestamp()).isEqualTo(first.anomaly().timestamp());
      assertThat(last.anomaly().score()).isEqualTo(1.0);
      assertThat(last.anomaly().severity()).isEqualTo(io.vigil.common.model.Severity.CRITICAL);
      h.processWatermark(T0 + 180 * W);
      assertThat(silences(h)).as("one silence, one anomaly").hasSize(1);
      assertThat(emitted(h)).as("nothing after it is beyond doubt").hasSize(2);
      // back at 13:00, quiet again from 13:20, in an hour it has logged in: a second silence
      logs(h, T0 + 180 * W, T0 + 200 * W);
      h.processWatermark(T0 + 230 * W);
      assertThat(silences(h)).hasSize(2);
      assertThat(silences(h).get(1).path("silent_since").asText())
          .isEqualTo("2026-12-01T13:20:00Z");
    }
  }

  @Test
  void quietHoursTheServiceHasNeverLoggedInAreNotNews() throws Exception {
    try (var h = harness()) {
      h.open();
      logs(h, T0, T0 + 60 * W); // 10:00-11:00 only
      h.processWatermark(T0 + 600 * W);
      assertThat(silences(h)).as("it never logged after 11:00: nothing usual is missing").isEmpty();
      assertThat(h.extractOutputValues()).hasSize(60);
    }
  }

  @Test
  void theEndOfABoundedInputIsNotSilence() throws Exception {
    try (var h = harness()) {
      h.open();
      logs(h, T0, T0 + 90 * W);
      h.processWatermark(Long.MAX_VALUE);
      assertThat(silences(h)).isEmpty();
      assertThat(h.extractOutputValues()).as("every window was scored").hasSize(90);
    }
  }
}
