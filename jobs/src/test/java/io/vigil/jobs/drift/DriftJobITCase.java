package io.vigil.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.AnomalyJsonCodec;
import io.vigil.jobs.alerts.RuleSeeder;
import io.vigil.jobs.alerts.testing.HttpRecorder;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.db.Migrations;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.metrics.MetricsAnomalyJob;
import io.vigil.jobs.sink.DeadLetterKafkaSink;
import io.vigil.jobs.source.KafkaSources;
import io.vigil.jobs.testing.Db;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import io.vigil.jobs.testing.TestMiniCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift job on a MiniCluster with the real Kafka and PostgreSQL: a Terraform state and an
 * inventory's reports become drift events with their changed properties (secrets hashed), an
 * unchanged re-report writes nothing new, a revert resolves the event, an unmanaged resource is
 * reported after its grace, the view of alerts that followed a drift finds the alert, unusable
 * reports are dead letters, and a rule on critical drift pages once per drifted resource, saying
 * what changed and who changed it.
 */
class DriftJobITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final MiniClusterExtension CLUSTER = TestMiniCluster.twoSlots();

  private String topic;

  private static final String RULES =
      """
      rules:
        - name: critical drift
          tenant: acme
          scope: {metric: drift}
          condition: {kind: anomaly, min_severity: critical}
          severity: critical
          channels: [hook]
      """;

  @Test
  void declaredAndActualStatesBecomeDriftEvents() throws Exception {
    LocalServices services = LocalServices.get();
    String run = "dr" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    topic = run + ".infra";
    String dlq = run + ".infra.dlq";
    // one partition: the Terraform state (no key) is read before the reports of its resources
    TestKafka.createTopics(services.kafkaBootstrap(), 1, topic);
    TestKafka.createTopics(services.kafkaBootstrap(), 2, dlq);
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap-servers", services.kafkaBootstrap());
    conf.put("kafka.infra-topic", topic);
    conf.put("kafka.infra-dlq-topic", dlq);
    conf.put("kafka.infra-group-id", run);
    conf.put("kafka.starting-offsets", "earliest");
    conf.put("kafka.transactional-id-prefix", run);
    conf.put("postgres.url", services.pgUrlWithSchema(run));
    conf.put("postgres.user", services.pgUser());
    conf.put("postgres.password", services.pgPassword());
    conf.put("drift.unmanaged-after", "1 s");
    conf.put("job.checkpoint-interval", "1s");
    conf.put("metrics.default-tenant", "acme");
    HttpRecorder http = new HttpRecorder();
    conf.put("alerting.channels-file", http.hookChannelsFile(run).toString());
    conf.put("kafka.alerts-topic", run + ".alerts");
    TestKafka.createTopics(services.kafkaBootstrap(), 1, run + ".alerts");
    conf.put("kafka.anomalies-topic", run + ".anomalies");
    TestKafka.createTopics(services.kafkaBootstrap(), 1, run + ".anomalies");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    Migrations.migrate(config);
    try (Connection db = ModelRegistry.connect(config)) {
      assertThat(RuleSeeder.seed(db, RULES)).isEqualTo(1);
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    env.setParallelism(2);
    var drift =
        DriftJob.buildPipeline(
            env,
            KafkaSources.raw(config, topic, run),
            DriftEventsJdbcSink.create(config),
            DeadLetterKafkaSink.create(config, dlq, "drift-dlq"),
            config);
    DriftJob.buildAlerting(env, drift, config);
    DriftJob.publishAnomalies(drift, config);
    JobClient job = env.executeAsync("drift-it");
    try (http;
        KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap());
        Connection db = ModelRegistry.connect(config)) {
      long t = (System.currentTimeMillis() / 1000 - 3600) * 1000;
      // the code: a Terraform state with a security group and a database
      send(
          producer,
          null,
          "{\"kind\":\"declared\",\"environment\":\"prod\",\"by\":\"abc123\",\"timestamp\":"
              + t
              + ",\"terraform\":{\"values\":{\"root_module\":{\"resources\":["
              + "{\"address\":\"aws_security_group.web\",\"mode\":\"managed\","
              + "\"type\":\"aws_security_group\",\"values\":{\"ingress\":[{\"from_port\":443,"
              + "\"cidr_blocks\":[\"10.0.0.0/8\"]}],\"tags\":{\"service\":\"web\"}}},"
              + "{\"address\":\"aws_db_instance.main\",\"mode\":\"managed\","
              + "\"type\":\"aws_db_instance\",\"values\":{\"instance_class\":\"db.t3.small\","
              + "\"password\":\"hunter2\",\"tags\":{\"service\":\"orders\"}}}]}}}}");
      // what runs: someone opened SSH to the world and changed the database password
      String sg =
          "{\"ingress\":[{\"from_port\":443,\"cidr_blocks\":[\"10.0.0.0/8\"]},"
              + "{\"from_port\":22,\"cidr_blocks\":[\"0.0.0.0/0\"]}],\"tags\":{\"service\":\"web\"},"
              + "\"arn\":\"arn:aws:ec2:sg-1\"}";
      send(
          producer,
          "aws_security_group.web",
          actual("aws_security_group.web", sg, "alice", t + 60_000));
      send(
          producer,
          "aws_db_instance.main",
          actual(
              "aws_db_instance.main",
              "{\"instance_class\":\"db.t3.small\",\"password\":\"letmein\",\"tags\":{\"service\":\"orders\"}}",
              "bob",
              t + 60_000));
      send(
          producer,
          "aws_security_group.web",
          actual("aws_security_group.web", sg, "alice", t + 120_000));
      send(producer, "stray", actual("aws_instance.stray", "{\"size\":1}", "carol", t + 60_000));
      send(producer, null, "{\"kind\":\"actual\",\"environment\":\"prod\"}");
      // an alert on the web service 10 minutes after the drift
      try (Statement st = db.createStatement()) {
        st.executeUpdate(
            "INSERT INTO alerts (id, fingerprint, tenant, severity, status, labels, starts_at,"
                + " rule_name) VALUES (gen_random_uuid(), 'fp-web', 'acme', 'high', 'firing',"
                + " '{\"source\": \"web\"}', to_timestamp("
                + (t + 660_000) / 1000
                + "), 'web 5xx')");
      }

      await(() -> Db.count(db, "SELECT count(*) FROM drift_events") == 3, "three drift events");
      assertThat(
              Db.text(
                  db,
                  "SELECT drift_type || ' ' || severity || ' ' || changed_by || ' ' || commit_ref"
                      + " || ' ' || service FROM drift_events WHERE resource = 'aws_security_group.web'"))
          .isEqualTo("modified critical alice abc123 web");
      assertThat(
              Db.text(
                  db,
                  "SELECT string_agg(property_path || ' ' || change_type || ' ' || is_security_critical,"
                      + " ', ' ORDER BY property_path) FROM drift_changes"
                      + " WHERE resource = 'aws_security_group.web'"))
          .isEqualTo("/ingress/1 added true");
      String db1 =
          Db.text(
              db,
              "SELECT changes::text || actual_state::text || declared_state::text"
                  + " FROM drift_events WHERE resource = 'aws_db_instance.main'");
      assertThat(db1).contains("/password").doesNotContain("hunter2").doesNotContain("letmein");
      await(
          () ->
              Db.count(
                      db,
                      "SELECT count(*) FROM drift_events WHERE resource = 'aws_instance.stray'"
                          + " AND drift_type = 'added'")
                  == 1,
          "the unmanaged instance");
      // the first alert after the drift; the job's own "critical drift" page on the same service
      // follows it too, once it has fired (about an hour after the drift's event time)
      assertThat(
              Db.text(
                  db,
                  "SELECT rule_name || ' ' || alert_after FROM drift_incidents"
                      + " WHERE resource = 'aws_security_group.web' ORDER BY alert_after LIMIT 1"))
          .isEqualTo("web 5xx 00:10:00");

      // the security group is put back as the code says: the event resolves, no new one opens
      send(
          producer,
          "aws_security_group.web",
          actual(
              "aws_security_group.web",
              "{\"ingress\":[{\"from_port\":443,\"cidr_blocks\":[\"10.0.0.0/8\"]}],"
                  + "\"tags\":{\"service\":\"web\"},\"arn\":\"arn:aws:ec2:sg-1\"}",
              "alice",
              t + 180_000));
      await(
          () ->
              Db.count(db, "SELECT count(*) FROM drift_events WHERE resolution_type = 'reverted'")
                  == 1,
          "the revert");
      assertThat(Db.count(db, "SELECT count(*) FROM drift_events")).isEqualTo(3);
      assertThat(
              Db.text(
                  db,
                  "SELECT extract(epoch from resolved_at - detected_at)::int FROM drift_events"
                      + " WHERE resource = 'aws_security_group.web'"))
          .isEqualTo("120");

      // critical drift pages: the security group (SSH opened to the world) and the database (its
      // password), one alert each, saying what changed and who changed it; the unmanaged instance
      // (high) does not
      await(
          () ->
              Db.count(
                      db,
                      "SELECT count(DISTINCT labels->>'resource') FROM alerts"
                          + " WHERE rule_name = 'critical drift' AND status = 'firing'")
                  == 2,
          "two drift alerts");
      assertThat(
              Db.text(
                  db,
                  "SELECT string_agg(labels->>'resource', ' ' ORDER BY labels->>'resource')"
                      + " FROM alerts WHERE rule_name = 'critical drift'"))
          .isEqualTo("aws_db_instance.main aws_security_group.web");
      assertThat(
              Db.text(
                  db,
                  "SELECT (anomaly_id = e.id) || ' ' || (annotations->>'description') FROM alerts a"
                      + " JOIN drift_events e ON e.resource = a.labels->>'resource'"
                      + " WHERE a.rule_name = 'critical drift'"
                      + " AND a.labels->>'resource' = 'aws_security_group.web'"))
          .isEqualTo(
              "true aws_security_group.web in prod modified: /ingress/1 added (security);"
                  + " by alice, commit abc123");
      List<String> notified = new ArrayList<>();
      await(
          () -> {
            notified.clear();
            for (HttpRecorder.Request q : http.requests("/ok/" + run)) {
              notified.add(q.header("idempotency-key"));
            }
            return notified.size() >= 2;
          },
          "two notifications");
      assertThat(notified).doesNotHaveDuplicates();

      // the open drift events are published as anomalies, once each, with the events' ids
      String sgEvent =
          Db.text(
              db, "SELECT id::text FROM drift_events WHERE resource = 'aws_security_group.web'");
      List<String> published = new ArrayList<>();
      await(
          () -> {
            published.clear();
            for (var r :
                TestKafka.readCommitted(
                    services.kafkaBootstrap(), run + ".anomalies", 1, Duration.ofSeconds(5))) {
              var a = AnomalyJsonCodec.decode(r.value()).anomaly();
              assertThat(a.metric()).isEqualTo("drift");
              assertThat(
                      Db.count(db, "SELECT count(*) FROM drift_events WHERE id = '" + a.id() + "'"))
                  .as("a drift event %s", a.id())
                  .isEqualTo(1);
              published.add(a.id());
            }
            return published.contains(sgEvent);
          },
          "the security group's drift on the anomalies topic");
      assertThat(published).doesNotHaveDuplicates();

      var dead = TestKafka.readCommitted(services.kafkaBootstrap(), dlq, 1, Duration.ofSeconds(60));
      assertThat(dead).hasSize(1);
      JsonNode d = JSON.readTree(dead.get(0).value());
      assertThat(d.get("stage").asText()).isEqualTo("drift");
      assertThat(d.get("reason").asText()).isEqualTo("field 'resource' is missing");
    } finally {
      job.cancel().get();
    }
  }

  private static String actual(String resource, String state, String by, long at) {
    return "{\"kind\":\"actual\",\"environment\":\"prod\",\"resource\":\""
        + resource
        + "\",\"state\":"
        + state
        + ",\"by\":\""
        + by
        + "\",\"timestamp\":"
        + at
        + "}";
  }

  private void send(KafkaProducer<byte[], byte[]> producer, String key, String body)
      throws Exception {
    TestKafka.send(
        producer,
        topic,
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Db.await(condition, Duration.ofMinutes(2), what);
  }
}
