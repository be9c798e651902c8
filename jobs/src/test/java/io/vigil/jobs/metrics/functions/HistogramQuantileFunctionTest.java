package io.vigil.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.common.codec.MetricCodec;
import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.metrics.MetricsJobTags;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class HistogramQuantileFunctionTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final double[] LE = {0.1, 0.5, Double.POSITIVE_INFINITY};

  private static KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> harness()
      throws Exception {
    return harness(0.5, 0.9, 0.99);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> harness(
      double... ranks) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(
            new HistogramQuantileFunction(MetricsJobTags.DEAD_LETTERS, ranks, 86_400_000L)),
        Histograms::familyKey,
        Types.STRING);
  }

  private static List<MetricPoint> scrape(
      String route, long seconds, boolean cumulative, double[] bounds, double... counts) {
    List<MetricPoint> ps = new ArrayList<>();
    for (int i = 0; i < bounds.length; i++) {
      Map<String, String> tags = new TreeMap<>(Map.of("route", route));
      tags.put("le", Histograms.format(bounds[i]));
      ps.add(
          new MetricPoint(
              "acme",
              "web",
              "rpc_seconds_bucket",
              tags,
              T0 + seconds * 1000,
              counts[i],
              cumulative));
    }
    return ps;
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricPoint> h,
      List<MetricPoint> ps)
      throws Exception {
    for (MetricPoint p : ps) {
      h.processElement(new StreamRecord<>(p, p.timestamp()));
    }
  }

  private static List<Double> quantiles(List<MetricPoint> out, String route, long seconds) {
    List<Double> vs = new ArrayList<>();
    for (String q : List.of("0.5", "0.9", "0.99")) {
      out.stream()
          .filter(
              p ->
                  p.timestamp() == T0 + seconds * 1000
                      && p.tags().equals(Map.of("route", route, "quantile", q)))
          .forEach(p -> vs.add(p.value()));
    }
    return vs;
  }

  @Test
  void cumulativeBucketsInAnyOrderGiveTheQuantilesOfTheirIncreaseOnceTheWatermarkPassesThem()
      throws Exception {
    try (var h = harness()) {
      h.open();
      List<MetricPoint> in = new ArrayList<>();
      in.addAll(scrape("/pay", 0, true, LE, 10, 20, 20));
      in.addAll(scrape("/cart", 0, true, LE, 0, 0, 5));
      // a bucket the first set did not have is left out of the increase
      in.addAll(
          scrape(
              "/pay",
              60,
              true,
              new double[] {0.1, 0.5, 1, Double.POSITIVE_INFINITY},
              50,
              110,
              115,
              120));
      in.addAll(scrape("/cart", 60, true, LE, 0, 0, 5));
      Collections.shuffle(in, new Random(7));
      feed(h, in);
      assertThat(h.extractOutputValues()).as("nothing before the watermark").isEmpty();
      h.processWatermark(T0 + 60_000);
      List<MetricPoint> out = h.extractOutputValues();
      // increase 40 / 90 / 100: p50 = 0.1 + 0.4 * 10 / 50, p90 the end of (0.1, 0.5], p99 in +Inf
      assertThat(quantiles(out, "/pay", 60))
          .satisfiesExactly(
              q -> assertThat(q).isCloseTo(0.18, within(1e-12)),
              q -> assertThat(q).isCloseTo(0.5, within(1e-12)),
              q -> assertThat(q).isEqualTo(0.5));
      assertThat(out).as("/cart had no requests in the interval: no quantiles").hasSize(3);
      assertThat(out)
          .allMatch(p -> p.metric().equals("rpc_seconds") && !p.cumulative())
          .allMatch(p -> p.tenant().equals("acme") && p.source().equals("web"));
      // the process restarted: its buckets count from zero
      feed(h, scrape("/pay", 120, true, LE, 10, 25, 30));
      h.processWatermark(T0 + 120_000);
      assertThat(quantiles(h.extractOutputValues(), "/pay", 120).get(0))
          .isCloseTo(0.1 + 0.4 * 5 / 15, within(1e-12));
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS)).isNull();
    }
  }

  @Test
  void deltaBucketsAreTheIncreaseAlready() throws Exception {
    try (var h = harness()) {
      h.open();
      feed(h, scrape("/pay", 10, false, LE, 2, 4, 4));
      h.processWatermark(T0 + 10_000);
      // rank 2 is the end of the first bucket; ranks 3.6 and 3.96 inside the second
      assertThat(quantiles(h.extractOutputValues(), "/pay", 10))
          .satisfiesExactly(
              q -> assertThat(q).isCloseTo(0.1, within(1e-12)),
              q -> assertThat(q).isCloseTo(0.1 + 0.4 * 1.6 / 2, within(1e-12)),
              q -> assertThat(q).isCloseTo(0.1 + 0.4 * 1.96 / 2, within(1e-12)));
    }
  }

  private static List<MetricPoint> exponential(long seconds, int scale, String counts) {
    String otlp =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"rpc_seconds\","
            + "\"exponentialHistogram\":{\"aggregationTemporality\":2,\"dataPoints\":[{"
            + "\"attributes\":[{\"key\":\"route\",\"value\":{\"stringValue\":\"/pay\"}}],"
            + "\"timeUnixNano\":\""
            + (T0 + seconds * 1000) * 1_000_000
            + "\",\"scale\":"
            + scale
            + ",\"positive\":{\"offset\":"
            + 10 * (1 << scale)
            + ",\"bucketCounts\":["
            + counts
            + "]}}]}}]}]}]}";
    var settings =
        new MetricCodec.Settings(
            io.vigil.common.codec.MetricJsonCodec.Limits.defaults(),
            MetricCodec.Input.OTLP,
            "acme",
            "web",
            List.of(),
            true);
    var r = new MetricCodec(settings).decode(otlp.getBytes(StandardCharsets.UTF_8), T0);
    assertThat(r.errors()).isEmpty();
    return r.points().stream().filter(Histograms::isBucket).toList();
  }

  @Test
  void anOtlpExponentialHistogramThatWasRescaledIsComparedAtTheBoundsBothScalesHave()
      throws Exception {
    try (var h = harness()) {
      h.open();
      // scale 3: buckets (2^(80/8), 2^(81/8)], ... hold 4, 4, 2, 2 observations
      feed(h, exponential(0, 3, "4,4,2,2"));
      h.processWatermark(T0);
      // rescaled to 2 (bucket pairs merged: 8, 4), then 10 more in each of the two buckets
      feed(h, exponential(60, 2, "18,14"));
      h.processWatermark(T0 + 60_000);
      double lo = Math.pow(2, 10);
      double mid = Math.pow(2, 10.25);
      double hi = Math.pow(2, 10.5);
      assertThat(quantiles(h.extractOutputValues(), "/pay", 60))
          .satisfiesExactly(
              q -> assertThat(q).isCloseTo(mid, within(1e-9)),
              q -> assertThat(q).isCloseTo(mid + (hi - mid) * 8 / 10, within(1e-9)),
              q -> assertThat(q).isCloseTo(mid + (hi - mid) * 9.8 / 10, within(1e-9)));
      assertThat(lo).isLessThan(mid);
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS)).isNull();
    }
  }

  @Test
  void lateBucketsBadBoundsAndSetsWithoutTheirTotalAreDeadLettersWithTheReason() throws Exception {
    try (var h = harness()) {
      h.open();
      feed(h, scrape("/pay", 0, true, LE, 1, 2, 3));
      feed(h, scrape("/pay", 60, true, new double[] {0.1, 0.5}, 1, 2));
      Map<String, String> bad = new TreeMap<>(Map.of("route", "/pay", "le", "fast"));
      feed(
          h,
          List.of(new MetricPoint("acme", "web", "rpc_seconds_bucket", bad, T0 + 70_000, 1, true)));
      h.processWatermark(T0 + 60_000);
      feed(h, scrape("/pay", 30, true, LE, 1, 2, 3).subList(0, 1));
      assertThat(h.extractOutputValues()).isEmpty();
      List<String> reasons = new ArrayList<>();
      h.getSideOutput(MetricsJobTags.DEAD_LETTERS)
          .forEach(
              r -> {
                DeadLetter d = r.getValue();
                assertThat(d.stage()).isEqualTo("histogram");
                reasons.add(d.reason());
              });
      assertThat(reasons)
          .containsExactly(
              "histogram bucket's le 'fast' is not a number or +Inf",
              "histogram 'rpc_seconds' at "
                  + (T0 + 60_000)
                  + " has 2 bucket(s) but no le=\"+Inf\" one: without the total its quantiles"
                  + " can't be estimated",
              "histogram bucket at "
                  + (T0 + 30_000)
                  + " arrived after the watermark ("
                  + (T0 + 60_000)
                  + ") had passed it: the quantiles of that time were already estimated");
    }
  }

  @Test
  void aCumulativeReadingWithEveryBoundOfTheLastIsEstimatedWithoutWaitingForTheWatermark()
      throws Exception {
    try (var h = harness()) {
      h.open();
      feed(h, scrape("/pay", 0, true, LE, 10, 20, 20));
      h.processWatermark(T0);
      assertThat(h.extractOutputValues()).as("the first reading is the baseline").isEmpty();
      feed(h, scrape("/pay", 60, true, LE, 50, 110, 120));
      assertThat(h.extractOutputValues()).as("no interval known yet: the watermark").isEmpty();
      h.processWatermark(T0 + 60_000);
      assertThat(h.extractOutputValues()).hasSize(3);
      List<MetricPoint> next = new ArrayList<>(scrape("/pay", 120, true, LE, 90, 200, 220));
      Collections.shuffle(next, new Random(3));
      feed(h, next.subList(0, 2));
      assertThat(h.extractOutputValues()).as("one bucket still missing").hasSize(3);
      feed(h, next.subList(2, 3));
      // increase 40 / 90 / 100: p50 = 0.1 + 0.4 * 10 / 50, p90 the end of (0.1, 0.5], p99 in +Inf
      assertThat(quantiles(h.extractOutputValues(), "/pay", 120))
          .as("complete one interval on: estimated at once, the watermark still at 60 s")
          .satisfiesExactly(
              q -> assertThat(q).isCloseTo(0.1 + 0.4 * 10 / 50, within(1e-12)),
              q -> assertThat(q).isCloseTo(0.5, within(1e-12)),
              q -> assertThat(q).isEqualTo(0.5));
      // a bucket sent again after its reading was estimated is a dead letter, not a new set
      feed(h, scrape("/pay", 120, true, LE, 90, 200, 220).subList(1, 2));
      // two intervals on: the reading between may still come from a partition read behind
      feed(h, scrape("/pay", 240, true, LE, 110, 240, 260));
      // the reading between, with a new bound: not the last one's layout, so it waits too
      feed(
          h,
          scrape(
              "/pay",
              180,
              true,
              new double[] {0.1, 0.25, 0.5, Double.POSITIVE_INFINITY},
              100,
              140,
              220,
              240));
      assertThat(h.extractOutputValues()).hasSize(6);
      h.processWatermark(T0 + 240_000);
      // each against the one before, over the bounds both have: 10 / 20 / 20, p50 the first's end
      assertThat(quantiles(h.extractOutputValues(), "/pay", 180).get(0)).isEqualTo(0.1);
      assertThat(quantiles(h.extractOutputValues(), "/pay", 240).get(0)).isEqualTo(0.1);
      List<String> reasons = new ArrayList<>();
      h.getSideOutput(MetricsJobTags.DEAD_LETTERS).forEach(r -> reasons.add(r.getValue().reason()));
      assertThat(reasons)
          .containsExactly(
              "histogram bucket at "
                  + (T0 + 120_000)
                  + " arrived after the quantiles of that time were estimated (the buckets of "
                  + (T0 + 120_000)
                  + " had all arrived)");
    }
  }

  @Test
  void aBoundAddedAfterItsReadingWasEstimatedIsTheBaselineOfTheNextReading() throws Exception {
    double[] grown = {0.1, 0.25, 0.5, Double.POSITIVE_INFINITY};
    try (var h = harness()) {
      h.open();
      feed(h, scrape("/pay", 0, true, LE, 10, 20, 20));
      h.processWatermark(T0);
      feed(h, scrape("/pay", 60, true, LE, 50, 110, 120));
      h.processWatermark(T0 + 60_000);
      // the sender adds le=0.25; its old bounds arrive first and complete the reading at 120 s
      List<MetricPoint> added = scrape("/pay", 120, true, grown, 90, 150, 200, 220);
      feed(h, List.of(added.get(0), added.get(2), added.get(3)));
      assertThat(h.extractOutputValues()).as("estimated without the new bound").hasSize(6);
      feed(h, added.subList(1, 2));
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS))
          .as("the new bound's first bucket is kept, not a dead letter")
          .isNull();
      // increase 10 / 20 / 30 / 40: p50 (rank 20) is the end of the new bucket (0.1, 0.25]; without
      // its baseline the bucket would be left out and p50 = 0.1 + 0.4 * 10 / 20 = 0.3
      feed(h, scrape("/pay", 180, true, grown, 100, 170, 230, 260));
      assertThat(quantiles(h.extractOutputValues(), "/pay", 180))
          .as("the new layout is the last reading's: estimated at once, with the new bucket")
          .hasSize(3)
          .first()
          .isEqualTo(0.25);
    }
  }

  @Test
  void withoutQuantilesTheBucketsGoOnAsRunningTotalsAndTheFamilysTotalsAreStillMarked()
      throws Exception {
    try (var h = harness(new double[0])) {
      h.open();
      Map<String, String> pay = Map.of("route", "/pay");
      feed(h, List.of(point("rpc_seconds_count", pay, 0, 20)));
      assertThat(h.extractOutputValues()).isEmpty();
      feed(h, scrape("/pay", 0, true, LE, 10, 20, 20));
      feed(h, List.of(point("rpc_seconds_count", pay, 60, 31)));
      assertThat(names(h.extractOutputValues()))
          .containsExactly(
              "rpc_seconds_count@0+",
              "rpc_seconds_bucket@0+",
              "rpc_seconds_bucket@0+",
              "rpc_seconds_bucket@0+",
              "rpc_seconds_count@60+");
      // resent and late buckets are the counter step's business here: they pass as they came
      h.processWatermark(T0 + 60_000);
      feed(h, scrape("/pay", 0, true, LE, 10, 20, 20));
      assertThat(h.extractOutputValues()).hasSize(8);
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS)).isNull();
    }
  }

  private static MetricPoint point(String metric, Map<String, String> tags, long s, double v) {
    return new MetricPoint("acme", "web", metric, tags, T0 + s * 1000, v);
  }

  private static List<String> names(List<MetricPoint> out) {
    return out.stream()
        .filter(p -> !p.tags().containsKey("quantile") || p.metric().startsWith("gc"))
        .map(p -> p.metric() + "@" + (p.timestamp() - T0) / 1000 + (p.cumulative() ? "+" : ""))
        .toList();
  }

  @Test
  void unmarkedCountAndSumOfAHistogramOrSummaryBecomeRunningTotalsAndOtherCountsStayGauges()
      throws Exception {
    Map<String, String> pay = Map.of("route", "/pay");
    Map<String, String> q1 = Map.of("queue", "q1");
    Map<String, String> young = Map.of("gen", "young");
    OperatorSubtaskState snapshot;
    List<String> out = new ArrayList<>();
    try (var h = harness()) {
      h.open();
      // Prometheus remote write: the _count of a scrape before its buckets, a gauge named like a
      // count, and a summary's _count before its quantile series
      feed(h, List.of(point("rpc_seconds_count", pay, 0, 20), point("queue_count", q1, 0, 7)));
      feed(h, List.of(point("gc_seconds_count", young, 0, 400)));
      assertThat(h.extractOutputValues()).as("held: nothing tells yet what they are").isEmpty();
      feed(h, scrape("/pay", 0, true, LE, 10, 20, 20));
      feed(h, List.of(point("gc_seconds", Map.of("gen", "young", "quantile", "0.5"), 0, 0.02)));
      out.addAll(names(h.extractOutputValues()));
      assertThat(out)
          .as("released as running totals once the family is known; the quantile passes as is")
          .containsExactly("rpc_seconds_count@0+", "gc_seconds_count@0+", "gc_seconds@0");
      // the family is known from now on: its totals leave at once, marked
      feed(
          h,
          List.of(point("rpc_seconds_sum", pay, 60, 3.5), point("rpc_seconds_count", pay, 60, 31)));
      feed(h, List.of(point("queue_count", q1, 60, 9)));
      h.processWatermark(T0);
      out.addAll(names(h.extractOutputValues().subList(3, h.extractOutputValues().size())));
      assertThat(out).endsWith("rpc_seconds_sum@60+", "rpc_seconds_count@60+", "queue_count@0");
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      feed(h, scrape("/pay", 60, true, LE, 15, 30, 31));
      h.processWatermark(T0 + 60_000);
      List<String> resumed = names(h.extractOutputValues());
      assertThat(resumed)
          .as("the gauge held over the restart leaves as it came, at its watermark")
          .containsExactly("queue_count@60");
      assertThat(quantiles(h.extractOutputValues(), "/pay", 60)).hasSize(3);
      // a reading of its family was complete without buckets or quantiles: a plain gauge, no
      // longer held for the watermark
      feed(h, List.of(point("queue_count", q1, 120, 4)));
      assertThat(names(h.extractOutputValues())).endsWith("queue_count@60", "queue_count@120");
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS)).isNull();
    }
  }

  @Test
  void aRestoredFunctionGivesTheQuantilesOfAnUninterruptedOne() throws Exception {
    Random r = new Random(11);
    List<List<MetricPoint>> scrapes = new ArrayList<>();
    double[] totals = new double[3];
    for (int i = 0; i < 40; i++) {
      double fast = r.nextInt(50);
      double slow = r.nextInt(50);
      double outliers = r.nextInt(3);
      totals[0] += fast;
      totals[1] += fast + slow;
      totals[2] += fast + slow + outliers;
      scrapes.add(scrape("/pay", i * 15L, true, LE, totals.clone()));
    }
    List<MetricPoint> uninterrupted = new ArrayList<>();
    try (var h = harness()) {
      h.open();
      for (int i = 0; i < scrapes.size(); i++) {
        feed(h, scrapes.get(i));
        h.processWatermark(T0 + i * 15_000L);
      }
      uninterrupted.addAll(h.extractOutputValues());
    }
    List<MetricPoint> resumed = new ArrayList<>();
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      for (int i = 0; i < 20; i++) {
        feed(h, scrapes.get(i));
        h.processWatermark(T0 + i * 15_000L);
      }
      // the next set is incomplete when the snapshot is taken: two of its three buckets
      feed(h, scrapes.get(20).subList(0, 2));
      resumed.addAll(h.extractOutputValues());
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      for (int i = 20; i < scrapes.size(); i++) {
        feed(h, i > 20 ? scrapes.get(i) : scrapes.get(i).subList(2, 3));
        h.processWatermark(T0 + i * 15_000L);
      }
      resumed.addAll(h.extractOutputValues());
    }
    assertThat(uninterrupted).hasSize(39 * 3);
    assertThat(resumed).containsExactlyElementsOf(uninterrupted);
  }
}
