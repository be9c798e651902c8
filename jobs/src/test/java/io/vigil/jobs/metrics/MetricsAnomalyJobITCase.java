package io.vigil.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.SeriesDetector;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.source.KafkaSources;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import io.vigil.jobs.testing.TestMiniCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics job on a MiniCluster at parallelism 2 against the real Kafka, PostgreSQL and
 * InfluxDB: a known stream with injected anomalies and malformed records goes in; exactly the
 * expected anomaly rows, InfluxDB points and dead letters must come out.
 */
class MetricsAnomalyJobITCase {
  private static final long MINUTE = 60_000;
  private static final long HOUR = 60 * MINUTE;
  private static final int POINTS = 400;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final MiniClusterExtension CLUSTER = TestMiniCluster.twoSlots();

  private record Series(
      String tenant,
      String source,
      String metric,
      Map<String, String> tags,
      Set<Integer> spikes,
      int gapFrom,
      int gapTo) {
    String key() {
      return new MetricPoint(tenant, source, metric, tags, 0, 0).series();
    }
  }

  private static final List<Series> SERIES =
      List.of(
          new Series(
              "acme", "checkout", "latency_ms", Map.of("host", "a"), Set.of(200, 320), -1, -1),
          new Series("acme", "checkout", "rps", Map.of("host", "a"), Set.of(260), -1, -1),
          new Series("globex", "api", "errors", Map.of("region", "eu"), Set.of(), -1, -1),
          new Series("globex", "api", "cpu", Map.of(), Set.of(), 250, 280));

  @Test
  void detectsInjectedAnomaliesWritesScoresAndDeadLettersBadRecords() throws Exception {
    LocalServices services = LocalServices.get();
    String run = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = run + ".metrics";
    String dlq = run + ".metrics.dlq";
    TestKafka.createTopics(services.kafkaBootstrap(), 2, topic, dlq);
    Map<String, String> conf = conf(services, run, topic, dlq);
    conf.put("input.max-message-bytes", "4096");
    // the producer below sends 4-minute steps per series: the bound covers that disorder
    conf.put("event-time.max-out-of-orderness", "10m");
    conf.put("job.checkpoint-interval", "1s");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    MetricsAnomalyJob.prepareDatabase(config);

    long base = (System.currentTimeMillis() / MINUTE - 2 * 24 * 60) * MINUTE;
    Map<String, List<MetricPoint>> produced = generate(base);
    List<byte[]> bad = badRecords(base);
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap())) {
      // the array whose first element is good goes first: its point must not be late
      for (byte[] b : bad.subList(0, 6)) {
        TestKafka.send(producer, topic, "bad".getBytes(StandardCharsets.UTF_8), b);
      }
      // Sources send in time order: at each step, every series' next point (or batch of points).
      for (int i = 0; i < POINTS; i += 4) {
        for (Series s : SERIES) {
          byte[] key = s.key().getBytes(StandardCharsets.UTF_8);
          List<MetricPoint> step = new ArrayList<>();
          for (MetricPoint p : produced.get(s.key())) {
            if (p.timestamp() >= base + i * MINUTE && p.timestamp() < base + (i + 4) * MINUTE) {
              step.add(p);
            }
          }
          if (s.metric().equals("errors") && !step.isEmpty()) {
            TestKafka.send(producer, topic, key, encode(step));
          } else {
            for (MetricPoint p : step) {
              TestKafka.send(producer, topic, key, encode(List.of(p)));
            }
          }
        }
      }
      for (byte[] b : bad.subList(6, bad.size())) {
        TestKafka.send(producer, topic, "bad".getBytes(StandardCharsets.UTF_8), b);
      }
    }

    runBounded(config, topic, run, 2, "metrics-it");

    DetectorFactory detector = MetricsAnomalyJob.detector(config);
    Map<String, List<Double>> expectedScores = new HashMap<>();
    Set<String> expectedAnomalies = new HashSet<>();
    for (Series s : SERIES) {
      SeriesDetector d = detector.create();
      List<Double> scores = new ArrayList<>();
      for (MetricPoint p : produced.get(s.key())) {
        double score = d.update(p.timestamp(), p.value()).score();
        scores.add(score);
        if (score >= 0.4) {
          expectedAnomalies.add(s.key() + "@" + p.timestamp());
        }
      }
      expectedScores.put(s.key(), scores);
      for (int spike : s.spikes()) {
        assertThat(expectedAnomalies)
            .as("the detector finds the injected spike")
            .contains(s.key() + "@" + (base + spike * MINUTE));
      }
    }
    // the one point of the array whose other element is bad
    expectedScores.put(new MetricPoint("acme", "x", "m", Map.of(), 0, 0).series(), List.of(0.0));

    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement()) {
      ResultSet rs =
          st.executeQuery(
              "SELECT series, detected_at, explanation->>'component' AS component, model_id FROM anomalies");
      Set<String> scoreAnomalies = new HashSet<>();
      List<String> dropouts = new ArrayList<>();
      int rows = 0;
      while (rs.next()) {
        rows++;
        String id = rs.getString("series") + "@" + rs.getTimestamp("detected_at").getTime();
        if ("dropout".equals(rs.getString("component"))) {
          dropouts.add(id);
        } else {
          scoreAnomalies.add(id);
        }
        assertThat(rs.getString("model_id")).isNotNull();
      }
      assertThat(scoreAnomalies).containsExactlyInAnyOrderElementsOf(expectedAnomalies);
      Series cpu = SERIES.get(3);
      assertThat(dropouts).hasSize(1);
      long dropoutAt = Long.parseLong(dropouts.get(0).substring(dropouts.get(0).indexOf('@') + 1));
      assertThat(dropouts.get(0)).startsWith(cpu.key() + "@");
      assertThat(dropoutAt)
          .isGreaterThanOrEqualTo(base + (cpu.gapFrom() - 1) * MINUTE + 2 * MINUTE)
          .isLessThan(base + cpu.gapTo() * MINUTE);
      assertThat(rows).isEqualTo(expectedAnomalies.size() + 1);
    }

    InfluxDB influx = InfluxDBFactory.connect(services.influxUrl());
    try {
      for (Map.Entry<String, List<Double>> e : expectedScores.entrySet()) {
        assertThat(scores(influx, run, e.getKey()))
            .as("scores of " + e.getKey())
            .containsExactlyElementsOf(e.getValue());
      }
    } finally {
      influx.close();
    }

    List<ConsumerRecord<byte[], byte[]>> dead =
        TestKafka.readCommitted(services.kafkaBootstrap(), dlq, bad.size(), Duration.ofSeconds(60));
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      JsonNode n = JSON.readTree(r.value());
      reasons.add(n.get("reason").asText());
      assertThat(n.get("topic").asText()).isEqualTo(topic);
      assertThat(n.get("offset").asLong()).isGreaterThanOrEqualTo(0);
      assertThat(n.get("stage").asText()).isEqualTo("parse");
    }
    assertThat(reasons)
        .hasSize(bad.size())
        .anyMatch(s -> s.startsWith("invalid JSON"))
        .anyMatch(s -> s.equals("missing field 'value'"))
        .anyMatch(s -> s.equals("field 'value' must be a number"))
        .anyMatch(s -> s.startsWith("timestamp 0 outside the accepted range"))
        .anyMatch(s -> s.startsWith("oversized message"))
        .anyMatch(s -> s.equals("empty message"))
        .anyMatch(s -> s.equals("[1] field 'tenant' must be a string"))
        .anyMatch(s -> s.equals("field 'value' is not finite"));
  }

  /**
   * Watermarks per Kafka partition: one subtask reads three partitions, each holding one series'
   * 3,000 minutes in order, written one partition after the other, so the reader gets one
   * partition's whole history before the next one's. With the watermark of the subtask (the
   * timestamps assigned after parsing, as before) the second and third partitions' points would
   * fall hours behind it and go to the dead-letter topic as late; with a watermark per partition
   * (the minimum of the three) none is late, with an out-of-orderness bound of one minute.
   */
  @Test
  void partitionsReadOneAfterTheOtherHaveTheirOwnWatermarks() throws Exception {
    LocalServices services = LocalServices.get();
    String run = "pw" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = run + ".metrics";
    String dlq = run + ".metrics.dlq";
    int partitions = 3;
    int minutes = 3000;
    TestKafka.createTopics(services.kafkaBootstrap(), partitions, topic);
    TestKafka.createTopics(services.kafkaBootstrap(), 1, dlq);
    Map<String, String> conf = conf(services, run, topic, dlq);
    conf.put("event-time.max-out-of-orderness", "1m");
    conf.put("job.checkpoint-interval", "1s");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    MetricsAnomalyJob.prepareDatabase(config);

    long base = (System.currentTimeMillis() / MINUTE - 3 * 24 * 60) * MINUTE;
    Random r = new Random(7);
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap())) {
      for (int part = 0; part < partitions; part++) {
        byte[] key = ("series-" + part).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < minutes; i++) {
          MetricPoint p =
              new MetricPoint(
                  "acme", "svc", "m" + part, Map.of(), base + i * MINUTE, 100 + r.nextGaussian());
          producer.send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  topic, part, key, MetricJsonCodec.encode(p)));
        }
        producer.flush();
      }
      // one bad record, so that the dead-letter topic is known to be read to its end
      producer
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  topic, 0, "bad".getBytes(StandardCharsets.UTF_8), "{not json".getBytes()))
          .get();
    }

    runBounded(config, topic, run, 1, "metrics-it-partition-watermarks");

    List<ConsumerRecord<byte[], byte[]>> dead =
        TestKafka.readCommitted(services.kafkaBootstrap(), dlq, 1, Duration.ofSeconds(60));
    List<String> stages = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      stages.add(JSON.readTree(d.value()).get("stage").asText());
    }
    assertThat(stages).as("dead letters by stage: no point is late").containsExactly("parse");

    InfluxDB influx = InfluxDBFactory.connect(services.influxUrl());
    try {
      QueryResult q =
          influx.query(
              new Query(
                  "SELECT count(anomaly_score) FROM \"vigil_30d\".\"data_points\" GROUP BY metric_name",
                  run));
      Map<String, Long> counts = new HashMap<>();
      for (QueryResult.Series s : q.getResults().get(0).getSeries()) {
        counts.put(
            s.getTags().get("metric_name"), ((Number) s.getValues().get(0).get(1)).longValue());
      }
      assertThat(counts)
          .as("every point of every partition scored")
          .isEqualTo(Map.of("m0", (long) minutes, "m1", (long) minutes, "m2", (long) minutes));
    } finally {
      influx.close();
    }
  }

  /** One sample as prometheus-kafka-adapter writes it; {@code labels} without the braces. */
  private static byte[] sample(long t, Object value, String name, String labels) {
    return bytes(
        String.format(
            "{\"timestamp\":\"%s\",\"value\":\"%s\",\"name\":\"%s\",\"labels\":{\"__name__\":"
                + "\"%3$s\",%s}}",
            java.time.Instant.ofEpochMilli(t), value, name, labels));
  }

  /** One OTLP gauge point of service checkout, tenant globex, in protobuf. */
  private static byte[] otlpProto(String metric, String key, String tag, long t, double v) {
    var service =
        io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
            .setKey("service.name")
            .setValue(
                io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("checkout"));
    var tenant =
        service
            .clone()
            .setKey("tenant")
            .setValue(
                io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue("globex"));
    var attribute =
        service
            .clone()
            .setKey(key)
            .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setStringValue(tag));
    var point =
        io.opentelemetry.proto.metrics.v1.NumberDataPoint.newBuilder()
            .addAttributes(attribute)
            .setTimeUnixNano(t * 1_000_000)
            .setAsDouble(v);
    return io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                .setResource(
                    io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                        .addAttributes(service)
                        .addAttributes(tenant))
                .addScopeMetrics(
                    io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                        .addMetrics(
                            io.opentelemetry.proto.metrics.v1.Metric.newBuilder()
                                .setName(metric)
                                .setGauge(
                                    io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
                                        .addDataPoints(point)))))
        .build()
        .toByteArray();
  }

  private static MetricPoint point(MetricPoint series, long t, double value) {
    return new MetricPoint(
        series.tenant(), series.source(), series.metric(), series.tags(), t, value);
  }

  /**
   * Telegraf's line protocol and JSON and the OpenTelemetry Collector's otlp_json and otlp_proto go
   * to one topic under the default {@code metrics.input: auto}: each series must be scored point
   * for point as the detector scores it offline (so every point arrived, in order, under the right
   * tenant, source, metric and tags), its injected spike must be an anomaly row, and what the
   * formats carry but Vigil does not score (a string field, a histogram) and a message in no format
   * must be dead letters with their reasons. Two running totals (an OTLP cumulative sum, a
   * line-protocol field named in {@code metrics.cumulative-metrics}), one restarting from zero,
   * must be scored as their per-second rates, a burst of the rate an anomaly; so must a Prometheus
   * histogram's untyped {@code _count}, its buckets giving the quantiles, and the same histogram as
   * Telegraf's Prometheus input writes it in line protocol (one line: count, sum and a field per
   * bound).
   */
  @Test
  void telegrafOpenTelemetryAndPrometheusFormatsAreScoredLikeVigilJson() throws Exception {
    LocalServices services = LocalServices.get();
    String run = "fm" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = run + ".metrics";
    String dlq = run + ".metrics.dlq";
    TestKafka.createTopics(services.kafkaBootstrap(), 2, topic, dlq);
    Map<String, String> conf = conf(services, run, topic, dlq);
    conf.put("job.checkpoint-interval", "1s");
    conf.put("metrics.default-tenant", "ops");
    conf.put("metrics.cumulative-metrics", "net_bytes_*");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    MetricsAnomalyJob.prepareDatabase(config);

    int minutes = 300;
    long base = (System.currentTimeMillis() / MINUTE - 2 * 24 * 60) * MINUTE;
    MetricPoint idle =
        new MetricPoint("ops", "web-1", "cpu_usage_idle", Map.of("cpu", "all"), 0, 0);
    MetricPoint user =
        new MetricPoint("ops", "web-1", "cpu_usage_user", Map.of("cpu", "all"), 0, 0);
    MetricPoint mem = new MetricPoint("ops", "web-2", "mem_used_percent", Map.of(), 0, 0);
    MetricPoint queue =
        new MetricPoint("globex", "checkout", "queue.depth", Map.of("queue", "q1"), 0, 0);
    // the collector's default encoding, otlp_proto: an OTLP gauge in protobuf
    MetricPoint connections =
        new MetricPoint("globex", "checkout", "db.connections", Map.of("pool", "main"), 0, 0);
    // running totals: an OTLP cumulative sum, and a line-protocol field declared cumulative
    MetricPoint requests = new MetricPoint("globex", "checkout", "http.requests", Map.of(), 0, 0);
    MetricPoint received = new MetricPoint("ops", "web-1", "net_bytes_recv", Map.of(), 0, 0);
    // Prometheus remote write through prometheus-kafka-adapter: a gauge and a _total counter
    MetricPoint load =
        new MetricPoint("ops", "node", "node_load1", Map.of("instance", "web-3:9100"), 0, 0);
    MetricPoint served =
        new MetricPoint("ops", "api", "http_requests_total", Map.of("code", "200"), 0, 0);
    // an OTLP cumulative histogram: scored as its p50, p90 and p99 (the job estimates them)
    double[] le = {0.1, 0.5, 1, 5, Double.POSITIVE_INFINITY};
    List<MetricPoint> latency = new ArrayList<>();
    for (String q : List.of("0.5", "0.9", "0.99")) {
      latency.add(
          new MetricPoint("globex", "checkout", "rpc.duration", Map.of("quantile", q), 0, 0));
    }
    // a Prometheus histogram from remote write: untyped _bucket{le} and _count samples, the
    // _count of each scrape sent before its buckets (the job must find out it is a running total)
    double[] apiLe = {0.25, 1, 5, Double.POSITIVE_INFINITY};
    MetricPoint apiCount =
        new MetricPoint("ops", "api", "api_latency_seconds_count", Map.of("handler", "/pay"), 0, 0);
    List<MetricPoint> apiLatency = new ArrayList<>();
    for (String q : List.of("0.5", "0.9", "0.99")) {
      apiLatency.add(
          new MetricPoint(
              "ops", "api", "api_latency_seconds", Map.of("handler", "/pay", "quantile", q), 0, 0));
    }
    // the same histogram scraped by Telegraf's Prometheus input (metric_version = 1), one line of
    // line protocol a scrape: count, sum and a field per bound, which say what they are
    MetricPoint v1Count =
        new MetricPoint("ops", "web-4", "api_latency_seconds_count", Map.of(), 0, 0);
    MetricPoint v1Sum = new MetricPoint("ops", "web-4", "api_latency_seconds_sum", Map.of(), 0, 0);
    List<MetricPoint> v1Latency = new ArrayList<>();
    for (String q : List.of("0.5", "0.9", "0.99")) {
      v1Latency.add(
          new MetricPoint("ops", "web-4", "api_latency_seconds", Map.of("quantile", q), 0, 0));
    }
    Map<String, Integer> spikeAt = new HashMap<>();
    for (MetricPoint s : List.of(apiCount, v1Count, v1Sum)) {
      spikeAt.put(s.series(), 215);
    }
    for (MetricPoint q : apiLatency) {
      spikeAt.put(q.series(), 215);
    }
    for (MetricPoint q : v1Latency) {
      spikeAt.put(q.series(), 215);
    }
    spikeAt.put(latency.get(0).series(), 190);
    spikeAt.put(latency.get(1).series(), 190);
    spikeAt.put(latency.get(2).series(), 190);
    spikeAt.put(idle.series(), 150);
    spikeAt.put(user.series(), 180);
    spikeAt.put(mem.series(), 210);
    spikeAt.put(queue.series(), 240);
    spikeAt.put(connections.series(), 160);
    spikeAt.put(requests.series(), 200);
    spikeAt.put(received.series(), 230);
    spikeAt.put(load.series(), 170);
    spikeAt.put(served.series(), 220);
    Map<String, List<MetricPoint>> expected = new LinkedHashMap<>();
    Random r = new Random(11);
    for (MetricPoint s : List.of(idle, user, mem, queue, load, connections)) {
      List<MetricPoint> ps = new ArrayList<>();
      for (int i = 0; i < minutes; i++) {
        // whole numbers for the OTLP integer gauge, two decimals for the others
        double v = 40 + r.nextGaussian() + (spikeAt.get(s.series()) == i ? 30 : 0);
        v = s == queue ? Math.round(v) : Math.round(v * 100) / 100.0;
        ps.add(new MetricPoint(s.tenant(), s.source(), s.metric(), s.tags(), base + i * MINUTE, v));
      }
      expected.put(s.series(), ps);
    }
    Map<String, long[]> totals = new LinkedHashMap<>();
    for (MetricPoint s : List.of(requests, received, served)) {
      long step = s == received ? 6_000_000 : 600;
      long[] total = new long[minutes];
      List<MetricPoint> rates = new ArrayList<>();
      for (int i = 0; i < minutes; i++) {
        long increase =
            Math.round(
                step * (1 + 0.03 * r.nextGaussian() + (spikeAt.get(s.series()) == i ? 4 : 0)));
        // the sender restarts at minute 260: its total starts again from zero
        total[i] = i == 0 ? 1_000_000_000L : i == 260 ? increase : total[i - 1] + increase;
        if (i > 0) {
          double delta = i == 260 ? total[i] : total[i] - total[i - 1];
          rates.add(
              new MetricPoint(
                  s.tenant(), s.source(), s.metric(), s.tags(), base + i * MINUTE, delta / 60.0));
        }
      }
      totals.put(s.series(), total);
      expected.put(s.series(), rates);
    }
    // per minute about 600 calls, 70% under 0.1 s; at minute 190 most of them slow
    long[][] buckets = new long[minutes][le.length];
    for (MetricPoint q : latency) {
      expected.put(q.series(), new ArrayList<>());
    }
    for (int i = 0; i < minutes; i++) {
      double[] share =
          i == 190
              ? new double[] {0.1, 0.2, 0.3, 0.4, 0}
              : new double[] {0.7, 0.25, 0.045, 0.005, 0};
      long[] increase = new long[le.length];
      long below = 0;
      for (int b = 0; b < le.length; b++) {
        below += Math.max(0, Math.round(600 * share[b] * (1 + 0.05 * r.nextGaussian())));
        increase[b] = below;
        buckets[i][b] = (i == 0 ? 5_000_000L * (b + 1) : buckets[i - 1][b]) + below;
      }
      if (i > 0) {
        double[] counts = java.util.Arrays.stream(increase).asDoubleStream().toArray();
        for (MetricPoint q : latency) {
          double rank = Double.parseDouble(q.tags().get("quantile"));
          expected
              .get(q.series())
              .add(
                  new MetricPoint(
                      q.tenant(),
                      q.source(),
                      q.metric(),
                      q.tags(),
                      base + i * MINUTE,
                      io.vigil.common.model.Histograms.quantile(rank, le, counts)));
        }
      }
    }
    // about 300 calls a minute, 80% under 0.25 s; at minute 215 five times as many, most slow
    long[][] apiBuckets = new long[minutes][apiLe.length];
    double[] apiSum = new double[minutes];
    double[] mid = {0.1, 0.5, 2, 5};
    for (MetricPoint s : List.of(apiCount, v1Count, v1Sum)) {
      expected.put(s.series(), new ArrayList<>());
    }
    for (MetricPoint q : apiLatency) {
      expected.put(q.series(), new ArrayList<>());
    }
    for (MetricPoint q : v1Latency) {
      expected.put(q.series(), new ArrayList<>());
    }
    for (int i = 0; i < minutes; i++) {
      double calls = 300 * (1 + 0.03 * r.nextGaussian()) * (i == 215 ? 5 : 1);
      double[] share =
          i == 215 ? new double[] {0.1, 0.3, 0.6, 0} : new double[] {0.8, 0.19, 0.01, 0};
      double[] increase = new double[apiLe.length];
      long below = 0;
      for (int b = 0; b < apiLe.length; b++) {
        below += Math.round(calls * share[b]);
        increase[b] = below;
        apiBuckets[i][b] = (i == 0 ? 70_000L * (b + 1) : apiBuckets[i - 1][b]) + below;
      }
      double seconds = 0;
      for (int b = 0; b < apiLe.length; b++) {
        seconds += (increase[b] - (b == 0 ? 0 : increase[b - 1])) * mid[b];
      }
      apiSum[i] = Math.round(((i == 0 ? 9_000 : apiSum[i - 1]) + seconds) * 1000) / 1000.0;
      if (i > 0) {
        long t = base + i * MINUTE;
        double count = increase[apiLe.length - 1] / 60.0;
        expected.get(apiCount.series()).add(point(apiCount, t, count));
        expected.get(v1Count.series()).add(point(v1Count, t, count));
        expected.get(v1Sum.series()).add(point(v1Sum, t, (apiSum[i] - apiSum[i - 1]) / 60.0));
        for (int k = 0; k < apiLatency.size(); k++) {
          double rank = Double.parseDouble(apiLatency.get(k).tags().get("quantile"));
          double v = io.vigil.common.model.Histograms.quantile(rank, apiLe, increase);
          expected.get(apiLatency.get(k).series()).add(point(apiLatency.get(k), t, v));
          expected.get(v1Latency.get(k).series()).add(point(v1Latency.get(k), t, v));
        }
      }
    }
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap())) {
      for (int i = 0; i < minutes; i++) {
        long t = base + i * MINUTE;
        String line =
            String.format(
                "cpu,host=web-1,cpu=all usage_idle=%s,usage_user=%s %d%nnet,host=web-1"
                    + " bytes_recv=%di %d%n",
                expected.get(idle.series()).get(i).value(),
                expected.get(user.series()).get(i).value(),
                t * 1_000_000,
                totals.get(received.series())[i],
                t * 1_000_000);
        TestKafka.send(producer, topic, bytes("web-1"), bytes(line));
        String telegraf =
            String.format(
                "{\"fields\":{\"used_percent\":%s},\"name\":\"mem\",\"tags\":{\"host\":\"web-2\"},"
                    + "\"timestamp\":%d}",
                expected.get(mem.series()).get(i).value(), t / 1000);
        TestKafka.send(producer, topic, bytes("web-2"), bytes(telegraf));
        long[] row = buckets[i];
        String otlp =
            "{\"resourceMetrics\":[{\"resource\":{\"attributes\":["
                + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"checkout\"}},"
                + "{\"key\":\"tenant\",\"value\":{\"stringValue\":\"globex\"}}]},"
                + "\"scopeMetrics\":[{\"metrics\":[{\"name\":\"queue.depth\",\"gauge\":{\"dataPoints\":["
                + "{\"attributes\":[{\"key\":\"queue\",\"value\":{\"stringValue\":\"q1\"}}],"
                + "\"timeUnixNano\":\""
                + t * 1_000_000
                + "\",\"asInt\":\""
                + (long) expected.get(queue.series()).get(i).value()
                + "\"}]}},{\"name\":\"http.requests\",\"sum\":{\"aggregationTemporality\":2,"
                + "\"isMonotonic\":true,\"dataPoints\":[{\"timeUnixNano\":\""
                + t * 1_000_000
                + "\",\"asInt\":\""
                + totals.get(requests.series())[i]
                + "\"}]}},{\"name\":\"rpc.duration\",\"histogram\":{\"aggregationTemporality\":2,"
                + "\"dataPoints\":[{\"timeUnixNano\":\""
                + t * 1_000_000
                + "\",\"count\":\""
                + buckets[i][le.length - 1]
                + "\",\"bucketCounts\":[\""
                + java.util.stream.IntStream.range(0, le.length)
                    .mapToObj(b -> String.valueOf(row[b] - (b == 0 ? 0 : row[b - 1])))
                    .collect(java.util.stream.Collectors.joining("\",\""))
                + "\"],\"explicitBounds\":[0.1,0.5,1,5]}]}}]}]}]}";
        TestKafka.send(producer, topic, bytes("checkout"), bytes(otlp));
        TestKafka.send(
            producer,
            topic,
            bytes("checkout"),
            otlpProto(
                "db.connections",
                "pool",
                "main",
                t,
                expected.get(connections.series()).get(i).value()));
        TestKafka.send(
            producer,
            topic,
            bytes("node"),
            sample(
                t,
                expected.get(load.series()).get(i).value(),
                "node_load1",
                "\"instance\":\"web-3:9100\",\"job\":\"node\""));
        TestKafka.send(
            producer,
            topic,
            bytes("api"),
            sample(
                t,
                totals.get(served.series())[i],
                "http_requests_total",
                "\"code\":\"200\",\"job\":\"api\""));
        String apiLabels = "\"handler\":\"/pay\",\"job\":\"api\"";
        TestKafka.send(
            producer,
            topic,
            bytes("api"),
            sample(t, apiBuckets[i][apiLe.length - 1], "api_latency_seconds_count", apiLabels));
        for (int b = 0; b < apiLe.length; b++) {
          String bound = io.vigil.common.model.Histograms.format(apiLe[b]);
          TestKafka.send(
              producer,
              topic,
              bytes("api"),
              sample(
                  t,
                  apiBuckets[i][b],
                  "api_latency_seconds_bucket",
                  apiLabels + ",\"le\":\"" + bound + "\""));
        }
        long[] v1 = apiBuckets[i];
        TestKafka.send(
            producer,
            topic,
            bytes("web-4"),
            bytes(
                String.format(
                    "api_latency_seconds,host=web-4 0.25=%di,1=%di,5=%di,+Inf=%di,count=%di,sum=%s"
                        + " %d",
                    v1[0], v1[1], v1[2], v1[3], v1[3], apiSum[i], t * 1_000_000)));
      }
      long t = base + minutes * MINUTE;
      TestKafka.send(
          producer, topic, bytes("bad"), bytes("system,host=web-1 uptime_format=\"3 days\" " + t));
      TestKafka.send(
          producer,
          topic,
          bytes("bad"),
          bytes(
              "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":["
                  + "{\"name\":\"latency\",\"histogram\":{}}]}]}]}"));
      TestKafka.send(producer, topic, bytes("bad"), bytes("hello world"));
      // a Prometheus staleness marker: the series went away
      TestKafka.send(
          producer,
          topic,
          bytes("node"),
          sample(t, "NaN", "node_load1", "\"instance\":\"web-3:9100\",\"job\":\"node\""));
    }

    runBounded(config, topic, run, 2, "metrics-it-formats");

    DetectorFactory detector = MetricsAnomalyJob.detector(config);
    Set<String> expectedAnomalies = new HashSet<>();
    InfluxDB influx = InfluxDBFactory.connect(services.influxUrl());
    try {
      for (Map.Entry<String, List<MetricPoint>> e : expected.entrySet()) {
        SeriesDetector d = detector.create();
        List<Double> scores = new ArrayList<>();
        for (MetricPoint p : e.getValue()) {
          double score = d.update(p.timestamp(), p.value()).score();
          scores.add(score);
          if (score >= 0.4) {
            expectedAnomalies.add(e.getKey() + "@" + p.timestamp());
          }
        }
        assertThat(expectedAnomalies)
            .as("the detector finds the spike of " + e.getKey())
            .contains(e.getKey() + "@" + (base + spikeAt.get(e.getKey()) * MINUTE));
        assertThat(scores(influx, run, e.getKey()))
            .as("scores of " + e.getKey())
            .containsExactlyElementsOf(scores);
      }
    } finally {
      influx.close();
    }
    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement()) {
      ResultSet rs = st.executeQuery("SELECT series, detected_at FROM anomalies");
      Set<String> rows = new HashSet<>();
      while (rs.next()) {
        rows.add(rs.getString("series") + "@" + rs.getTimestamp("detected_at").getTime());
      }
      assertThat(rows).containsExactlyInAnyOrderElementsOf(expectedAnomalies);
      // each form a tenant's points came in is a data source, first seen at its first point;
      // messages that gave only dead letters (the last ones, a minute later) are not sightings
      rs =
          st.executeQuery(
              "SELECT t.slug, d.name, d.type, d.config->>'format', d.config->>'topic',"
                  + " d.config->>'signal', d.first_seen, d.last_seen FROM data_sources d"
                  + " JOIN tenants t ON t.id = d.tenant_id");
      List<String> sources = new ArrayList<>();
      while (rs.next()) {
        assertThat(rs.getString(4) + " via " + rs.getString(5)).isEqualTo(rs.getString(2));
        assertThat(rs.getString(6)).isEqualTo("metrics");
        assertThat(rs.getTimestamp(7).getTime()).as(rs.getString(2)).isEqualTo(base);
        assertThat(rs.getTimestamp(8).getTime())
            .as("last seen within the hour of the last point")
            .isBetween(base + (minutes - 1) * MINUTE - HOUR, base + (minutes - 1) * MINUTE);
        sources.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
      assertThat(sources)
          .containsExactlyInAnyOrder(
              "ops influx-line via " + topic + " telegraf",
              "ops telegraf-json via " + topic + " telegraf",
              "ops prometheus-json via " + topic + " prometheus",
              "globex otlp-json via " + topic + " otel-collector",
              "globex otlp-proto via " + topic + " otel-collector");
    }

    List<ConsumerRecord<byte[], byte[]>> dead =
        TestKafka.readCommitted(services.kafkaBootstrap(), dlq, 4, Duration.ofSeconds(60));
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      reasons.add(JSON.readTree(d.value()).get("reason").asText());
    }
    assertThat(reasons)
        .containsExactlyInAnyOrder(
            "line 1: field 'uptime_format' is a string, not a number to score",
            "resourceMetrics[0].scopeMetrics[0].metrics[0] metric 'latency' has no 'dataPoints'"
                + " array",
            "not JSON, and not InfluxDB line protocol: line 1: field 'world' has no '='",
            "value of 'node_load1' is NaN (Prometheus' staleness marker: the series is gone);"
                + " nothing to score");
  }

  /** Runs the job on the MiniCluster until the end of the topic's input. */
  private static void runBounded(
      VigilConfig config, String topic, String run, int parallelism, String name) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    env.setParallelism(parallelism);
    MetricsAnomalyJob.buildPipeline(
        env,
        new MetricsAnomalyJob.Sources(KafkaSources.raw(config, topic, run), null),
        MetricsAnomalyJob.Sinks.from(config),
        config);
    env.execute(name);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The scores InfluxDB holds for one series, in time order. */
  private static List<Double> scores(InfluxDB influx, String database, String series) {
    MetricPoint p = io.vigil.common.model.SeriesKey.point(series, 0, 0);
    QueryResult r =
        influx.query(
            new Query(
                "SELECT anomaly_score FROM \"vigil_30d\".\"data_points\" WHERE tenant = '"
                    + p.tenant()
                    + "' AND source_id = '"
                    + p.source()
                    + "' AND metric_name = '"
                    + p.metric()
                    + "'"
                    + p.tags().entrySet().stream()
                        .map(t -> " AND \"" + t.getKey() + "\" = '" + t.getValue() + "'")
                        .collect(java.util.stream.Collectors.joining())
                    + " ORDER BY time ASC",
                database),
            TimeUnit.MILLISECONDS);
    List<Double> actual = new ArrayList<>();
    List<QueryResult.Series> found = r.getResults().get(0).getSeries();
    if (found != null) {
      found.get(0).getValues().forEach(v -> actual.add(((Number) v.get(1)).doubleValue()));
    }
    return actual;
  }

  /** A bounded run of the job on the test servers, in its own topics, schema and database. */
  private static Map<String, String> conf(
      LocalServices services, String run, String topic, String dlq) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap-servers", services.kafkaBootstrap());
    conf.put("kafka.metrics-topic", topic);
    conf.put("kafka.metrics-dlq-topic", dlq);
    conf.put("kafka.group-id", run);
    conf.put("kafka.starting-offsets", "earliest");
    conf.put("kafka.bounded", "true");
    conf.put("kafka.transactional-id-prefix", run);
    conf.put("postgres.url", services.pgUrlWithSchema(run));
    conf.put("postgres.user", services.pgUser());
    conf.put("postgres.password", services.pgPassword());
    conf.put("postgres.migrate-on-start", "true");
    conf.put("influxdb.url", services.influxUrl());
    conf.put("influxdb.database", run);
    return conf;
  }

  private static Map<String, List<MetricPoint>> generate(long base) {
    Map<String, List<MetricPoint>> out = new LinkedHashMap<>();
    Random r = new Random(42);
    for (Series s : SERIES) {
      List<MetricPoint> ps = new ArrayList<>();
      double level = 50 + r.nextInt(100);
      for (int i = 0; i < POINTS; i++) {
        if (i >= s.gapFrom() && i < s.gapTo()) {
          continue;
        }
        double v =
            level + r.nextGaussian() * level * 0.02 + (s.spikes().contains(i) ? level * 0.8 : 0);
        ps.add(new MetricPoint(s.tenant(), s.source(), s.metric(), s.tags(), base + i * MINUTE, v));
      }
      out.put(s.key(), ps);
    }
    return out;
  }

  private static byte[] encode(List<MetricPoint> ps) throws Exception {
    if (ps.size() == 1) {
      return MetricJsonCodec.encode(ps.get(0));
    }
    List<JsonNode> nodes = new ArrayList<>();
    for (MetricPoint p : ps) {
      nodes.add(JSON.readTree(MetricJsonCodec.encode(p)));
    }
    return JSON.writeValueAsBytes(nodes);
  }

  private static List<byte[]> badRecords(long base) {
    String good =
        "{\"tenant\":\"acme\",\"source\":\"x\",\"metric\":\"m\",\"timestamp\":"
            + base
            + ",\"value\":1}";
    String pre = "{\"tenant\":\"acme\",\"source\":\"x\",\"metric\":\"m\",\"timestamp\":" + base;
    List<byte[]> out = new ArrayList<>();
    out.add("{not json".getBytes(StandardCharsets.UTF_8));
    out.add((pre + "}").getBytes(StandardCharsets.UTF_8));
    out.add((pre + ",\"value\":NaN}").getBytes(StandardCharsets.UTF_8));
    out.add((pre + ",\"value\":\"12\"}").getBytes(StandardCharsets.UTF_8));
    out.add(
        "{\"tenant\":\"acme\",\"source\":\"x\",\"metric\":\"m\",\"timestamp\":0,\"value\":1}"
            .getBytes(StandardCharsets.UTF_8));
    out.add(
        ("["
                + good
                + ",{\"tenant\":5,\"source\":\"x\",\"metric\":\"m\",\"timestamp\":"
                + base
                + ",\"value\":1}]")
            .getBytes(StandardCharsets.UTF_8));
    out.add(("{\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8));
    out.add(new byte[0]);
    out.add(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
    out.add((pre + ",\"value\":1e400}").getBytes(StandardCharsets.UTF_8));
    return out;
  }
}
