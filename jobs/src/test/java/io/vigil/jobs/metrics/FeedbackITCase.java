package io.vigil.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.testing.Db;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import io.vigil.jobs.testing.TestMiniCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On-call feedback end to end: false alarms sent to the feedback topic are recorded in PostgreSQL,
 * mark the anomalies false_positive, and make that series (and only that one) less sensitive.
 */
class FeedbackITCase {
  private static final long MINUTE = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final MiniClusterExtension CLUSTER = TestMiniCluster.twoSlots();

  @Test
  void falseAlarmsMakeTheirSeriesQuieterAndAreRecorded() throws Exception {
    LocalServices services = LocalServices.get();
    String run = "fb" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = run + ".metrics";
    String feedbackTopic = run + ".feedback";
    String dlq = run + ".dlq";
    TestKafka.createTopics(services.kafkaBootstrap(), 2, topic, feedbackTopic, dlq);
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap-servers", services.kafkaBootstrap());
    conf.put("kafka.metrics-topic", topic);
    conf.put("kafka.metrics-dlq-topic", dlq);
    conf.put("kafka.feedback-topic", feedbackTopic);
    conf.put("kafka.group-id", run);
    conf.put("kafka.starting-offsets", "earliest");
    conf.put("kafka.transactional-id-prefix", run);
    conf.put("postgres.url", services.pgUrlWithSchema(run));
    conf.put("postgres.user", services.pgUser());
    conf.put("postgres.password", services.pgPassword());
    conf.put("postgres.migrate-on-start", "true");
    conf.put("detection.detector", "robust-ewma");
    conf.put("detection.feedback-step", "0.2");
    conf.put("detection.max-threshold-shift", "0.4");
    conf.put("event-time.idleness", "1s");
    conf.put("job.checkpoint-interval", "1s");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    MetricsAnomalyJob.prepareDatabase(config);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    env.setParallelism(2);
    MetricsAnomalyJob.buildPipeline(
        env, MetricsAnomalyJob.Sources.from(config), MetricsAnomalyJob.Sinks.from(config), config);
    JobClient job = env.executeAsync("feedback-it");
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap());
        Connection db = ModelRegistry.connect(config)) {
      long base = (System.currentTimeMillis() / MINUTE - 24 * 60) * MINUTE;
      produce(producer, topic, base, 0, 200);
      await(() -> Db.count(db, "SELECT count(*) FROM anomalies") >= 6, "phase-1 anomalies");
      assertThat(Db.count(db, "SELECT count(*) FROM anomalies WHERE tags->>'host' = 'fed'"))
          .isEqualTo(3);

      List<String> fedAnomalies = new ArrayList<>();
      try (Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT id, series FROM anomalies WHERE tags->>'host' = 'fed'")) {
        while (rs.next()) {
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("anomaly_id", rs.getString(1));
          f.put("series", rs.getString(2));
          f.put("is_true_positive", false);
          f.put("author", "oncall@example.com");
          fedAnomalies.add(rs.getString(1));
          TestKafka.send(producer, feedbackTopic, null, JSON.writeValueAsBytes(f));
        }
      }
      TestKafka.send(
          producer,
          feedbackTopic,
          null,
          "{\"anomaly_id\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
      await(() -> Db.count(db, "SELECT count(*) FROM feedback") == 3, "feedback rows");
      assertThat(Db.count(db, "SELECT count(*) FROM anomalies WHERE status = 'false_positive'"))
          .isEqualTo(3);
      assertThat(
              Db.count(
                  db,
                  "SELECT count(*) FROM feedback WHERE author = 'oncall@example.com' AND NOT is_true_positive"))
          .isEqualTo(3);

      produce(producer, topic, base, 200, 400);
      // the last point of both series is a huge spike: once the fed series' one is in, all is
      await(
          () ->
              Db.count(
                      db,
                      "SELECT count(*) FROM anomalies WHERE detected_at = to_timestamp("
                          + (base + 399 * MINUTE) / 1000
                          + ")")
                  == 2,
          "sentinel anomalies");
      long since = (base + 200 * MINUTE) / 1000;
      long sentinel = (base + 399 * MINUTE) / 1000;
      String window =
          " AND detected_at >= to_timestamp("
              + since
              + ") AND detected_at < to_timestamp("
              + sentinel
              + ")";
      StringBuilder deviations = new StringBuilder();
      for (int i = 240; i < 400; i += 40) {
        deviations.append(deviations.length() == 0 ? "" : ",");
        deviations.append("to_timestamp(").append((base + i * MINUTE) / 1000).append(')');
      }
      // the control series still reports the deviations; the fed one, told they are noise, does not
      assertThat(
              Db.count(
                  db,
                  "SELECT count(*) FROM anomalies WHERE tags->>'host' = 'control' AND detected_at IN ("
                      + deviations
                      + ")"))
          .isEqualTo(4);
      assertThat(
              Db.count(db, "SELECT count(*) FROM anomalies WHERE tags->>'host' = 'fed'" + window))
          .isZero();
      // read while the job runs: the dead letter is committed with the next checkpoint, and
      // cancelling the job aborts the open transaction (it would be replayed after a restore)
      var dead = TestKafka.readCommitted(services.kafkaBootstrap(), dlq, 1, Duration.ofSeconds(60));
      List<String> letters = new ArrayList<>();
      dead.forEach(d -> letters.add(new String(d.value(), StandardCharsets.UTF_8)));
      // the one bad feedback record; besides it only late points can be there: a metrics
      // partition idle (event-time.idleness 1 s) while the test waited may be read after the
      // other one has moved the watermark past its first points of the second phase
      assertThat(letters)
          .filteredOn(l -> l.contains("\"stage\":\"feedback\""))
          .singleElement()
          .satisfies(l -> assertThat(l).contains("field 'anomaly_id' must be a UUID string"));
      assertThat(letters)
          .filteredOn(l -> !l.contains("\"stage\":\"feedback\""))
          .allMatch(l -> l.contains("\"stage\":\"late\""));
    } finally {
      job.cancel().get();
    }
  }

  /**
   * Two series with identical values: deviations of +10 every 40 points from 80, a spike at 399.
   */
  private static void produce(
      KafkaProducer<byte[], byte[]> producer, String topic, long base, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      SplittableRandom r = new SplittableRandom(i);
      boolean deviation = i >= 80 && i % 40 == 0;
      // deviations are exact (5 noise sigmas): far from both the base and the raised threshold
      double v = i == 399 ? 200 : deviation ? 110 : 100 + r.nextGaussian() * 2;
      for (String host : List.of("fed", "control")) {
        MetricPoint p =
            new MetricPoint("acme", "queue", "depth", Map.of("host", host), base + i * MINUTE, v);
        TestKafka.send(
            producer,
            topic,
            p.series().getBytes(StandardCharsets.UTF_8),
            MetricJsonCodec.encode(p));
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Db.await(condition, Duration.ofMinutes(2), what);
  }
}
