package io.vigil.jobs.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.LogJsonCodec;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.logs.SilenceModel;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.alerts.RuleSeeder;
import io.vigil.jobs.alerts.testing.HttpRecorder;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.source.KafkaSources;
import io.vigil.jobs.testing.Db;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import io.vigil.jobs.testing.TestMiniCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The log job, unbounded, on a MiniCluster against the real Kafka and PostgreSQL: checkout logs
 * every minute for an hour, billing stops after 35 minutes. While checkout's logs move the
 * watermark on, billing's silence must become one anomaly row, first reported a few minutes in and
 * then updated to critical; checkout, still logging, none. The input never ends (the end of a
 * bounded input is not a silence, so this can only be seen on a running job). The job's alerting
 * evaluates a rule on critical log anomalies: the silence must become one firing alert, notified to
 * a real HTTP receiver under one idempotency key.
 */
class LogSilenceITCase {
  private static final long MINUTE = 60_000;
  private static final long BASE = Instant.parse("2025-03-03T09:00:00Z").toEpochMilli();
  private static final int MINUTES = 60;
  private static final int BILLING_STOPS = 35;
  private static final long DEADLINE_MS = 120_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES =
      """
      rules:
        - name: a service stopped logging
          tenant: acme
          scope: {metric: logs}
          condition: {kind: anomaly, min_severity: critical}
          severity: critical
          channels: [hook]
          auto_resolve: 2h
      """;

  @RegisterExtension static final MiniClusterExtension CLUSTER = TestMiniCluster.twoSlots();

  @Test
  void aServiceThatStopsLoggingWhileOthersGoOnIsOneSilenceAnomalyAndOneAlert() throws Exception {
    LocalServices services = LocalServices.get();
    String run = "silit" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = run + ".logs";
    Map<String, String> conf = LogItConfig.create(services, run);
    conf.put("event-time.max-out-of-orderness", "1m");
    conf.put("event-time.idleness", "1s"); // every record goes to one partition
    HttpRecorder http = new HttpRecorder();
    conf.put("alerting.channels-file", http.hookChannelsFile(run).toString());
    conf.put("kafka.alerts-topic", run + ".alerts");
    TestKafka.createTopics(services.kafkaBootstrap(), 1, run + ".alerts");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    LogAnomalyJob.prepareDatabase(config);
    try (Connection db = ModelRegistry.connect(config)) {
      assertThat(RuleSeeder.seed(db, RULES)).isEqualTo(1);
    }

    Random r = new Random(5);
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap())) {
      for (int m = 0; m < MINUTES; m++) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 20; i++) {
          long t = BASE + m * MINUTE + i * 3000L;
          lines.append(line("checkout", t, "GET /cart/" + r.nextInt(99999) + " 200"));
          if (m < BILLING_STOPS) {
            lines.append(line("billing", t + 1000, "invoice " + r.nextInt(99999) + " created"));
          }
        }
        TestKafka.send(
            producer,
            topic,
            "all".getBytes(StandardCharsets.UTF_8),
            lines.toString().getBytes(StandardCharsets.UTF_8));
      }
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(io.vigil.jobs.metrics.MetricsAnomalyJob.flinkConfiguration(config));
    env.setParallelism(2);
    var windows =
        LogAnomalyJob.buildPipeline(
            env, KafkaSources.raw(config, topic, run), LogAnomalyJob.Sinks.from(config), config);
    LogAnomalyJob.buildAlerting(env, windows, config);
    JobClient job = env.executeAsync("log-silence-it");
    try (http;
        Connection db = ModelRegistry.connect(config)) {
      String critical =
          "SELECT count(*) FROM anomalies WHERE source = 'billing' AND severity = 'critical'";
      long deadline = System.currentTimeMillis() + DEADLINE_MS;
      while (Db.count(db, critical) == 0) {
        assertThat(System.currentTimeMillis())
            .as("billing's silence reported as critical before the deadline")
            .isLessThan(deadline);
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        Thread.sleep(200);
      }
      // the windows up to minute 58 are scored by now: checkout's last one too
      String lastWindow =
          "SELECT count(*) FROM feature_windows WHERE service = 'checkout' AND window_start ="
              + " to_timestamp("
              + (BASE + (MINUTES - 3) * MINUTE) / 1000
              + ")";
      while (Db.count(db, lastWindow) == 0) {
        assertThat(System.currentTimeMillis()).as("checkout's windows").isLessThan(deadline);
        Thread.sleep(200);
      }
      // billing's windows come from the other sink subtask, which commits its rows for the same
      // checkpoint on its own: checkout's last window being visible does not mean they are
      String billingWindows =
          "SELECT count(*) FROM feature_windows WHERE service = 'billing'"
              + " AND (features->>'events')::int > 0";
      while (Db.count(db, billingWindows) < BILLING_STOPS) {
        assertThat(System.currentTimeMillis()).as("billing's windows").isLessThan(deadline);
        Thread.sleep(200);
      }
      List<JsonNode> silences = new ArrayList<>();
      try (Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT a.source, a.detected_at, a.explanation, a.score, a.value, m.algorithm,"
                      + " f.window_start, f.features FROM anomalies a"
                      + " JOIN ml_models m ON m.id = a.model_id"
                      + " JOIN feature_windows f ON f.id = a.feature_window_id")) {
        while (rs.next()) {
          JsonNode e = JSON.readTree(rs.getString(3));
          assertThat(rs.getString(1)).as("only billing stopped logging").isEqualTo("billing");
          long minute = (rs.getTimestamp(2).getTime() - BASE) / MINUTE;
          assertThat(minute).as("first reported a few minutes in").isBetween(36L, 39L);
          assertThat(rs.getTimestamp(7)).isEqualTo(rs.getTimestamp(2));
          assertThat(rs.getDouble(4)).isEqualTo(1.0);
          assertThat(rs.getDouble(5)).isZero();
          assertThat(rs.getString(6)).isEqualTo(SilenceModel.ALGORITHM);
          assertThat(JSON.readTree(rs.getString(8)).get("events").asLong()).isZero();
          silences.add(e);
        }
      }
      assertThat(silences).as("one silence, one row").hasSize(1);
      JsonNode e = silences.get(0);
      assertThat(e.get("component").asText()).isEqualTo("silence");
      assertThat(Instant.parse(e.get("silent_since").asText()).toEpochMilli())
          .isEqualTo(BASE + BILLING_STOPS * MINUTE);
      assertThat(e.get("why").asText()).startsWith("no log events for");
      assertThat(Db.count(db, billingWindows)).isEqualTo(BILLING_STOPS);

      // the alert: one row, firing, for billing's logs; one notification (re-sent only under its
      // key)
      String firing =
          "SELECT count(*) FROM alerts WHERE status = 'firing' AND labels->>'source' = 'billing'";
      while (Db.count(db, firing) == 0 || http.requests("/ok/" + run).isEmpty()) {
        assertThat(System.currentTimeMillis())
            .as("billing's silence alerted and notified before the deadline")
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      try (Statement st = db.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT rule_name, severity, labels->>'metric', labels->>'source', starts_at,"
                      + " anomaly_id::text FROM alerts")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("a service stopped logging");
        assertThat(rs.getString(2)).isEqualTo("critical");
        assertThat(rs.getString(3)).isEqualTo("logs");
        assertThat(rs.getString(4)).isEqualTo("billing");
        assertThat(rs.getTimestamp(5).getTime())
            .as("the alert starts at the silence's anomaly")
            .isEqualTo(
                Db.count(
                    db, "SELECT (extract(epoch FROM detected_at) * 1000)::bigint FROM anomalies"));
        assertThat(rs.getString(6))
            .as("the alert points at the silence's anomaly")
            .isEqualTo(Db.text(db, "SELECT id::text FROM anomalies"));
        assertThat(rs.next()).as("one alert: checkout has none").isFalse();
      }
      List<HttpRecorder.Request> sent = http.requests("/ok/" + run);
      assertThat(sent.stream().map(q -> q.header("idempotency-key")).distinct())
          .as("one notification")
          .hasSize(1);
      JsonNode body = JSON.readTree(sent.get(0).body());
      assertThat(body.at("/alerts/0/labels/source").asText()).isEqualTo("billing");
      assertThat(body.at("/alerts/0/status").asText()).isEqualTo("firing");
      assertThat(body.at("/alerts/0/annotations/description").asText())
          .as("the notification says why")
          .startsWith("no log events for");
      assertThat(body.at("/alerts/0/annotations/anomaly_id").asText())
          .isEqualTo(Db.text(db, "SELECT id::text FROM anomalies"));
    } finally {
      job.cancel().get();
    }
  }

  private static String line(String service, long t, String message) {
    return new String(
            LogJsonCodec.encode(
                new LogEvent("acme", service, t, LogLevels.INFO, message, Map.of())),
            StandardCharsets.UTF_8)
        + "\n";
  }
}
