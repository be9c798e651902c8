package io.vigil.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.metrics.MetricsJobTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class CounterRateFunctionTest {
  private static final long T0 = 1_700_000_000_000L;

  private static KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> harness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        function(), MetricPoint::series, Types.STRING);
  }

  private static CounterRateFunction function() {
    return new CounterRateFunction(MetricsJobTags.DEAD_LETTERS, 86_400_000L);
  }

  private static MetricPoint reading(String metric, long seconds, double total) {
    return new MetricPoint("acme", "web", metric, Map.of(), T0 + seconds * 1000, total, true);
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> h,
      List<MetricPoint> ps)
      throws Exception {
    for (MetricPoint p : ps) {
      h.processElement(new StreamRecord<>(p, p.timestamp()));
    }
  }

  @Test
  void readingsBecomePerSecondRatesAfterABaselineAndAResetCountsFromZero() throws Exception {
    try (var h = harness()) {
      feed(
          h,
          List.of(
              reading("requests_total", 0, 1000),
              reading("bytes", 0, 5),
              reading("requests_total", 60, 1600),
              reading("requests_total", 90, 1600),
              reading("bytes", 10, 25),
              // the process restarted: its counter starts again from zero
              reading("requests_total", 150, 120)));
      assertThat(h.extractOutputValues())
          .containsExactly(
              new MetricPoint("acme", "web", "requests_total", Map.of(), T0 + 60_000, 10.0),
              new MetricPoint("acme", "web", "requests_total", Map.of(), T0 + 90_000, 0.0),
              new MetricPoint("acme", "web", "bytes", Map.of(), T0 + 10_000, 2.0),
              new MetricPoint("acme", "web", "requests_total", Map.of(), T0 + 150_000, 2.0));
      assertThat(h.extractOutputValues()).noneMatch(MetricPoint::cumulative);
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS)).isNull();
    }
  }

  @Test
  void aReadingNotAfterThePreviousOneIsADeadLetterWithTheReason() throws Exception {
    try (var h = harness()) {
      feed(
          h,
          List.of(
              reading("c", 0, 10),
              reading("c", 60, 70),
              reading("c", 60, 70),
              reading("c", 30, 40),
              reading("c", 120, 130)));
      assertThat(h.extractOutputValues()).extracting(MetricPoint::value).containsExactly(1.0, 1.0);
      List<DeadLetter> dead = new ArrayList<>();
      h.getSideOutput(MetricsJobTags.DEAD_LETTERS).forEach(r -> dead.add(r.getValue()));
      assertThat(dead).hasSize(2).allMatch(d -> d.stage().equals("counter"));
      assertThat(dead.get(1).reason())
          .isEqualTo(
              "counter reading at "
                  + (T0 + 30_000)
                  + " is not after the previous one at "
                  + (T0 + 60_000)
                  + ": a running total has no rate there");
    }
  }

  @Test
  void aRestoredFunctionContinuesWithTheRatesOfAnUninterruptedOne() throws Exception {
    Random r = new Random(3);
    List<MetricPoint> all = new ArrayList<>();
    double total = 0;
    for (int i = 0; i < 200; i++) {
      total += r.nextInt(100);
      all.add(reading("c", i * 15L, total));
    }
    List<MetricPoint> uninterrupted;
    try (var h = harness()) {
      feed(h, all);
      uninterrupted = h.extractOutputValues();
    }
    List<MetricPoint> resumed = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      feed(h, all.subList(0, 80));
      resumed.addAll(h.extractOutputValues());
      snapshot = h.snapshot(1, 1);
    }
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint>(
            new KeyedProcessOperator<>(function()), MetricPoint::series, Types.STRING)) {
      h.initializeState(snapshot);
      h.open();
      feed(h, all.subList(80, all.size()));
      resumed.addAll(h.extractOutputValues());
    }
    assertThat(uninterrupted).hasSize(199);
    assertThat(resumed).containsExactlyElementsOf(uninterrupted);
  }
}
