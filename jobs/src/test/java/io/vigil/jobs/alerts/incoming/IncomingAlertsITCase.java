package io.vigil.jobs.alerts.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.codec.AnomalyJsonCodec;
import io.vigil.common.codec.ErrorGroupJsonCodec;
import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.model.Severity;
import io.vigil.jobs.alerts.RuleSeeder;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.metrics.MetricsAnomalyJob;
import io.vigil.jobs.sink.AnomalyKafkaSink;
import io.vigil.jobs.testing.Db;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import io.vigil.jobs.testing.TestMiniCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
 * Alerts from Alertmanager through the metrics job's own wiring ({@link
 * MetricsAnomalyJob#buildAlerting}) on a MiniCluster, with the real Kafka and PostgreSQL: each
 * episode is one row however often Alertmanager repeats it, the auto-analyze rules decide what is
 * analysed, the analysis names the anomaly Vigil found on the alert's service (also when the
 * anomaly arrives after the alert), a resolution keeps the analysis, and unusable alerts are dead
 * letters. The job publishes its anomalies to the anomalies topic once each; what the other jobs
 * publish there (a log anomaly) explains an alert of its service too, and the job's own anomalies,
 * read back from that topic, are not counted twice. An alert Vigil's own rule raised on the service
 * is listed in the analysis apart from the anomalies, as the same incident, and so is an alert
 * another job (the log job) published to the alerts topic.
 */
class IncomingAlertsITCase {
  private static final long MINUTE = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final MiniClusterExtension CLUSTER = TestMiniCluster.twoSlots();

  @Test
  void alertmanagerAlertsAreRecordedOncePerEpisodeAndExplainedWithTheServicesAnomalies()
      throws Exception {
    LocalServices services = LocalServices.get();
    String run = "am" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = run + ".metrics";
    String alertmanager = run + ".alertmanager";
    String dlq = run + ".dlq";
    String published = run + ".anomalies";
    String errorGroups = run + ".error-groups";
    TestKafka.createTopics(
        services.kafkaBootstrap(), 2, topic, alertmanager, dlq, published, errorGroups);
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap-servers", services.kafkaBootstrap());
    conf.put("kafka.metrics-topic", topic);
    conf.put("kafka.metrics-dlq-topic", dlq);
    conf.put("kafka.alertmanager-topic", alertmanager);
    conf.put("kafka.alerts-topic", run + ".alerts");
    conf.put("kafka.anomalies-topic", published);
    conf.put("kafka.error-groups-topic", errorGroups);
    conf.put("kafka.feedback-topic", "");
    conf.put("kafka.group-id", run);
    conf.put("kafka.starting-offsets", "earliest");
    conf.put("kafka.transactional-id-prefix", run);
    conf.put("postgres.url", services.pgUrlWithSchema(run));
    conf.put("postgres.user", services.pgUser());
    conf.put("postgres.password", services.pgPassword());
    conf.put("postgres.migrate-on-start", "true");
    conf.put("detection.detector", "robust-ewma");
    conf.put("metrics.default-tenant", "acme");
    conf.put("event-time.idleness", "1s");
    conf.put("job.checkpoint-interval", "1s");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    MetricsAnomalyJob.prepareDatabase(config);

    try (Connection db = ModelRegistry.connect(config);
        Statement st = db.createStatement()) {
      st.executeUpdate(
          "INSERT INTO auto_analyze_rules (name, priority, alert_name_pattern, severity_pattern,"
              + " action) VALUES ('the watchdog always fires', 1, 'Watchdog', '*', 'ignore'),"
              + " ('warnings are looked at by hand', 10, '*', 'warn*', 'manual')");
      // Vigil's own rule on checkout's latency: its alert explains Prometheus' too
      RuleSeeder.seed(
          db,
          """
          rules:
            - name: checkout latency above 300
              tenant: acme
              scope: {source: checkout, metric: latency_ms}
              condition: {kind: threshold, op: gt, value: 300}
              severity: high
          """);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    env.setParallelism(2);
    var outputs =
        MetricsAnomalyJob.buildPipeline(
            env,
            MetricsAnomalyJob.Sources.from(config),
            MetricsAnomalyJob.Sinks.from(config),
            config);
    // as the job's main does: its anomalies to the anomalies topic, which its analysis reads back
    AnomalyKafkaSink.publish(outputs.anomalies(), config, "metrics");
    MetricsAnomalyJob.buildAlerting(env, outputs, config);
    JobClient job = env.executeAsync("alertmanager-it");
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap());
        Connection db = ModelRegistry.connect(config)) {
      long base = (System.currentTimeMillis() / MINUTE - 24 * 60) * MINUTE;
      long spike = base + 200 * MINUTE;
      produce(producer, topic, "checkout", base);
      String atSpike = " AND detected_at = to_timestamp(" + spike / 1000 + ")";
      await(
          () ->
              Db.count(db, "SELECT count(*) FROM anomalies WHERE source = 'checkout'" + atSpike)
                  == 1,
          "the checkout anomaly");
      String anomalyId =
          Db.text(db, "SELECT id::text FROM anomalies WHERE source = 'checkout'" + atSpike);
      // published once, with the row's id, keyed by service
      List<JsonNode> checkoutPublished = new ArrayList<>();
      await(
          () -> {
            checkoutPublished.clear();
            for (var r :
                TestKafka.readCommitted(
                    services.kafkaBootstrap(), published, 1, Duration.ofSeconds(5))) {
              JsonNode n = json(r.value());
              if (n.get("id").asText().equals(anomalyId)) {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme/checkout");
                checkoutPublished.add(n);
              }
            }
            return !checkoutPublished.isEmpty();
          },
          "the checkout anomaly on the anomalies topic");
      assertThat(checkoutPublished).hasSize(1);
      assertThat(checkoutPublished.get(0).get("timestamp").asLong()).isEqualTo(spike);
      // one ordinary point more moves event time past the spike: Vigil's threshold rule (CEP, in
      // event time) sees the spike and raises its alert
      MetricPoint after =
          new MetricPoint(
              "acme", "checkout", "latency_ms", Map.of("instance", "i1"), spike + MINUTE, 100);
      TestKafka.send(
          producer,
          topic,
          after.series().getBytes(StandardCharsets.UTF_8),
          MetricJsonCodec.encode(after));
      await(
          () -> Db.count(db, "SELECT count(*) FROM alerts WHERE origin = 'vigil'") == 1,
          "Vigil's alert on checkout's latency");
      long nearby =
          Db.count(
              db,
              "SELECT count(*) FROM anomalies WHERE source = 'checkout' AND detected_at BETWEEN"
                  + " to_timestamp("
                  + (spike + 2 * MINUTE - 60 * MINUTE) / 1000
                  + ") AND to_timestamp("
                  + (spike + 12 * MINUTE) / 1000
                  + ")");

      String latency =
          alert("HighLatency", "checkout", "critical", "fp-latency", spike + 2 * MINUTE, 0);
      String watchdog = alert("Watchdog", "prometheus", "none", "fp-watchdog", base, 0);
      String disk = alert("DiskFilling", "checkout", "warning", "fp-disk", spike, 0);
      String nameless =
          "{\"status\":\"firing\",\"labels\":{\"job\":\"checkout\"},\"startsAt\":\""
              + Instant.ofEpochMilli(spike)
              + "\"}";
      // Alertmanager repeats a group's notification every repeat_interval: three times here
      for (int i = 0; i < 3; i++) {
        send(producer, alertmanager, notification(latency, watchdog, disk, nameless));
      }
      TestKafka.send(producer, alertmanager, null, "{\"alerts\":".getBytes(StandardCharsets.UTF_8));

      String rows = "SELECT count(*) FROM alerts WHERE origin = 'alertmanager'";
      await(
          () ->
              Db.count(db, rows) == 3
                  && analysed(db, "fp-latency")
                  && analysis(db, "fp-latency").get("vigil_alerts").size() == 1,
          "three alert rows, the latency alert explained with Vigil's");
      JsonNode analysis = analysis(db, "fp-latency");
      // Vigil's own rule fired at the spike, two minutes before Prometheus' alert: listed apart
      JsonNode vigilAlert = analysis.get("vigil_alerts").get(0);
      assertThat(vigilAlert.get("id").asText())
          .isEqualTo(Db.text(db, "SELECT id::text FROM alerts WHERE origin = 'vigil'"));
      assertThat(vigilAlert.get("seconds_before_alert").asLong()).isEqualTo(120);
      assertThat(vigilAlert.get("summary").asText())
          .startsWith("checkout latency above 300: latency_ms gt 300");
      assertThat(analysis.get("summary").asText())
          .contains(" Vigil raised an alert on checkout 2 min before this one: ");
      assertThat(analysis.get("recommendations").get(0).asText())
          .startsWith("Vigil's alert " + vigilAlert.get("id").asText());
      // every checkout anomaly from an hour before the alert to 10 minutes after, the spike's too
      assertThat(analysis.get("anomalies_found").asLong()).isEqualTo(nearby);
      JsonNode spikeEvidence = null;
      for (JsonNode a : analysis.get("anomalies")) {
        spikeEvidence = a.get("id").asText().equals(anomalyId) ? a : spikeEvidence;
      }
      assertThat(spikeEvidence).as("the spike's anomaly in %s", analysis).isNotNull();
      assertThat(spikeEvidence.get("seconds_before_alert").asLong()).isEqualTo(120);
      assertThat(analysis.get("summary").asText()).contains(" on checkout around the alert");
      assertThat(
              Db.text(
                  db,
                  "SELECT status || ' ' || severity || ' ' || action_taken || ' ' || rule_name"
                      + " FROM alerts WHERE fingerprint = 'fp-latency'"))
          .isEqualTo("firing critical auto_analyze HighLatency");
      assertThat(
              Db.text(
                  db,
                  "SELECT action_taken || ' ' || (analysis IS NULL) || ' ' || r.name FROM alerts a"
                      + " JOIN auto_analyze_rules r ON r.id = a.analyze_rule_id"
                      + " WHERE fingerprint = 'fp-watchdog'"))
          .isEqualTo("ignore true the watchdog always fires");
      assertThat(
              Db.text(
                  db,
                  "SELECT action_taken || ' ' || (analysis IS NULL) || ' ' || severity FROM alerts"
                      + " WHERE fingerprint = 'fp-disk'"))
          .isEqualTo("manual true medium");

      // the same episode resolves: one row still, resolved, the analysis kept
      send(
          producer,
          alertmanager,
          notification(
              alert(
                  "HighLatency",
                  "checkout",
                  "critical",
                  "fp-latency",
                  spike + 2 * MINUTE,
                  spike + 30 * MINUTE)));
      await(
          () ->
              Db.count(
                      db,
                      "SELECT count(*) FROM alerts WHERE fingerprint = 'fp-latency'"
                          + " AND status = 'resolved'")
                  == 1,
          "the resolution");
      assertThat(Db.count(db, "SELECT count(*) FROM alerts WHERE fingerprint = 'fp-latency'"))
          .isEqualTo(1);
      assertThat(analysis(db, "fp-latency").get("anomalies_found").asLong()).isEqualTo(nearby);
      assertThat(
              Db.text(
                  db,
                  "SELECT extract(epoch from ends_at)::bigint FROM alerts"
                      + " WHERE fingerprint = 'fp-latency'"))
          .isEqualTo(String.valueOf((spike + 30 * MINUTE) / 1000));

      // an alert before Vigil's anomaly: the analysis is redone when the anomaly arrives (the
      // payments series comes later in event time, so that none of it is late)
      long later = base + 300 * MINUTE;
      long paymentsSpike = later + 200 * MINUTE;
      send(
          producer,
          alertmanager,
          notification(
              alert(
                  "PaymentsErrors", "payments", "critical", "fp-pay", paymentsSpike - MINUTE, 0)));
      await(() -> analysed(db, "fp-pay"), "the first payments analysis");
      assertThat(analysis(db, "fp-pay").get("anomalies_found").asInt()).isZero();
      produce(producer, topic, "payments", later);
      await(
          () ->
              analysis(db, "fp-pay")
                  .toString()
                  .contains(Instant.ofEpochMilli(paymentsSpike).toString()),
          "the payments analysis with its anomaly");
      JsonNode first = analysis(db, "fp-pay").get("anomalies").get(0);
      assertThat(first.get("at").asText())
          .isEqualTo(Instant.ofEpochMilli(paymentsSpike).toString());
      assertThat(first.get("seconds_before_alert").asLong()).isEqualTo(-60);
      assertThat(Db.count(db, rows)).isEqualTo(4);

      // the log job publishes its anomalies to the same topic: a search alert is explained by one
      long searchErrors = later + 100 * MINUTE;
      Anomaly logAnomaly =
          new Anomaly(
              UUID.nameUUIDFromBytes((run + "log").getBytes(StandardCharsets.UTF_8)).toString(),
              "acme",
              "search",
              "logs",
              Map.of(),
              "acme|search|logs",
              searchErrors,
              45,
              1.0,
              Severity.CRITICAL,
              "log-window-chi2",
              "1",
              "{\"component\":\"log-window\",\"why\":\"error_rate 0.61 (usual 0.03); new"
                  + " template 'upstream connect error' x45\"}");
      TestKafka.send(
          producer,
          published,
          "acme/search".getBytes(StandardCharsets.UTF_8),
          AnomalyJsonCodec.encode(logAnomaly));
      send(producer, published, "{\"id\":\"not-a-uuid\"}");
      // and its alerts to the alerts topic: its silence rule fired on search before the errors;
      // the resolution of an older alert is no evidence, an unusable message a dead letter
      AlertTransition silence =
          vigilAlert(run + "silence", "firing", AlertStatus.FIRING, searchErrors - 5 * MINUTE);
      TestKafka.send(
          producer,
          run + ".alerts",
          "acme/search".getBytes(StandardCharsets.UTF_8),
          AlertJsonCodec.toBytes(silence));
      TestKafka.send(
          producer,
          run + ".alerts",
          "acme/search".getBytes(StandardCharsets.UTF_8),
          AlertJsonCodec.toBytes(
              vigilAlert(
                  run + "old", "resolved", AlertStatus.RESOLVED, searchErrors - 30 * MINUTE)));
      send(producer, run + ".alerts", "{\"status\":\"firing\"}");
      // and its error groups to the error-groups topic: search started logging a new error 2 min
      // before the anomaly (its figures come again, cumulative, a window later); an error it has
      // logged for hours is no news, a group merged into another no evidence of its own
      ErrorGroupRow upstream =
          errorGroup(
              "e-upstream", "upstream connect error to <*>", searchErrors - 2 * MINUTE, 45, null);
      for (ErrorGroupRow g :
          List.of(
              upstream,
              new ErrorGroupRow(
                  "acme",
                  "search",
                  "e-upstream",
                  upstream.templateId(),
                  upstream.template(),
                  "ERROR",
                  upstream.example(),
                  upstream.firstSeen(),
                  searchErrors + MINUTE,
                  120,
                  30,
                  true,
                  null),
              errorGroup("e-old", "cache miss for <*>", later - 10 * 60 * MINUTE, 9_000, null),
              errorGroup(
                  "e-merged", "upstream connect error to host", searchErrors, 3, "e-upstream"))) {
        TestKafka.send(
            producer,
            errorGroups,
            "acme/search".getBytes(StandardCharsets.UTF_8),
            ErrorGroupJsonCodec.encode(g));
      }
      send(producer, errorGroups, "{\"tenant\":\"acme\"}");
      send(
          producer,
          alertmanager,
          notification(
              alert("SearchErrors", "search", "critical", "fp-search", searchErrors + MINUTE, 0)));
      // the alert and the anomaly come on different topics, in either order: the analysis is redone
      // when the anomaly arrives after the alert
      await(
          () ->
              analysed(db, "fp-search")
                  && analysis(db, "fp-search").get("anomalies_found").asInt() == 1
                  && analysis(db, "fp-search").get("vigil_alerts").size() == 1
                  && analysis(db, "fp-search").get("new_errors").size() == 1
                  && analysis(db, "fp-search").get("new_errors").get(0).get("occurrences").asLong()
                      == 120,
          "the search analysis with the log anomaly, the log job's alert and its new error");
      JsonNode search = analysis(db, "fp-search");
      assertThat(search.get("anomalies_found").asInt()).as("%s", search).isEqualTo(1);
      assertThat(search.get("anomalies").get(0).get("id").asText()).isEqualTo(logAnomaly.id());
      assertThat(search.get("anomalies").get(0).get("component").asText()).isEqualTo("log-window");
      assertThat(search.get("vigil_alerts")).hasSize(1);
      assertThat(search.get("vigil_alerts").get(0).get("id").asText()).isEqualTo(silence.alertId());
      assertThat(search.get("vigil_alerts").get(0).get("seconds_before_alert").asLong())
          .isEqualTo(360);
      assertThat(search.get("recommendations").get(0).asText())
          .startsWith("Vigil's alert " + silence.alertId() + " (search stopped logging");
      assertThat(search.get("new_errors_found").asInt()).isEqualTo(1);
      JsonNode newError = search.get("new_errors").get(0);
      assertThat(newError.get("id").asText()).isEqualTo("e-upstream");
      assertThat(newError.get("template").asText()).isEqualTo("upstream connect error to <*>");
      assertThat(newError.get("seconds_before_alert").asLong()).isEqualTo(180);
      assertThat(search.get("summary").asText())
          .contains(
              " A new error appeared in the logs of search, the first 3 min before this one (120"
                  + " times so far): upstream connect error to <*>.");
      assertThat(search.get("recommendations").get(1).asText())
          .startsWith("search started logging a new error at ")
          .contains("(error group e-upstream)");
      assertThat(search.get("recommendations").get(2).asText())
          .startsWith("The logs of search changed at ")
          .contains("new template 'upstream connect error' x45");

      // the service catalog: both services of the input, first seen at their first point, last
      // seen in the hour of their last point or alert (checkout's last alert starts after its last
      // point); the services Prometheus alerts on too, with the signal alerts
      String catalog =
          "SELECT count(*) FROM services s JOIN tenants t ON t.id = s.tenant_id"
              + " WHERE t.slug = 'acme' AND s.signals = '{alerts,metrics}'";
      await(() -> Db.count(db, catalog) == 2, "checkout and payments in the catalog");
      String alertedOnly =
          "SELECT count(*) FROM services s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug ="
              + " 'acme' AND s.signals = '{alerts}' AND s.slug IN ('prometheus', 'search')";
      await(() -> Db.count(db, alertedOnly) == 2, "the services only Alertmanager names");
      // the tenant's data sources: Vigil JSON on the metrics topic, Alertmanager's webhook on its
      String sources =
          "SELECT count(*) FROM data_sources d JOIN tenants t ON t.id = d.tenant_id"
              + " WHERE t.slug = 'acme' AND ((d.name = 'vigil-json via "
              + topic
              + "' AND d.type = 'service') OR (d.name = 'alertmanager-webhook via "
              + alertmanager
              + "' AND d.type = 'alertmanager' AND d.first_seen = to_timestamp("
              + base / 1000
              + ")))";
      await(
          () ->
              Db.count(db, sources) == 2 && Db.count(db, "SELECT count(*) FROM data_sources") == 2,
          "the metrics topic's and Alertmanager's data sources, and no other");
      for (long from : new long[] {base, later}) {
        String service = from == base ? "checkout" : "payments";
        long last = from == base ? spike + 2 * MINUTE : from + 200 * MINUTE;
        long lastHour = Math.max(from, Math.floorDiv(last, 3_600_000L) * 3_600_000L);
        await(
            () ->
                Db.count(
                        db,
                        "SELECT count(*) FROM services WHERE slug = '"
                            + service
                            + "' AND first_seen = to_timestamp("
                            + from / 1000
                            + ") AND last_seen BETWEEN to_timestamp("
                            + lastHour / 1000
                            + ") AND to_timestamp("
                            + last / 1000
                            + ")")
                    == 1,
            service + "'s first and last seen");
      }

      var dead = TestKafka.readCommitted(services.kafkaBootstrap(), dlq, 7, Duration.ofSeconds(60));
      List<String> reasons = new ArrayList<>();
      int anomalyDeadLetters = 0;
      int alertDeadLetters = 0;
      int errorGroupDeadLetters = 0;
      for (var r : dead) {
        JsonNode d = JSON.readTree(r.value());
        // no "late" one: the payments burst resumes an input that was idle, and the watermark can
        // run ahead of its first points in flight; they are still scored (ScoreSeriesFunction's
        // stillUsable; before it 2-3 of 8 runs had late points here)
        if (d.get("stage").asText().equals("anomalies")) {
          assertThat(d.get("reason").asText()).isEqualTo("field 'id' must be a UUID string");
          anomalyDeadLetters++;
          continue;
        }
        if (d.get("stage").asText().equals("error-groups")) {
          assertThat(d.get("reason").asText())
              .isEqualTo("field 'service' must be a non-empty string");
          errorGroupDeadLetters++;
          continue;
        }
        if (d.get("stage").asText().equals("alerts")) {
          assertThat(d.get("reason").asText())
              .isEqualTo("an alert needs its 'id' and 'transition' (Vigil's alert JSON)");
          alertDeadLetters++;
          continue;
        }
        assertThat(d.get("stage").asText()).as("dead letter %s", d).isEqualTo("alertmanager");
        reasons.add(d.get("reason").asText());
      }
      assertThat(anomalyDeadLetters).isEqualTo(1);
      assertThat(alertDeadLetters).isEqualTo(1);
      assertThat(errorGroupDeadLetters).isEqualTo(1);
      // one per notification that carried the nameless alert, and the truncated message
      assertThat(reasons).hasSize(4);
      assertThat(reasons)
          .filteredOn(r -> r.equals("alerts[3]: label 'alertname' is missing"))
          .hasSize(3);
      assertThat(reasons).filteredOn(r -> r.startsWith("invalid JSON: ")).hasSize(1);
    } finally {
      job.cancel().get();
    }
  }

  private static String alert(
      String name, String job, String severity, String fingerprint, long startsAt, long endsAt) {
    return "{\"status\":\""
        + (endsAt > 0 ? "resolved" : "firing")
        + "\",\"labels\":{\"alertname\":\""
        + name
        + "\",\"job\":\""
        + job
        + "\",\"instance\":\"i1\",\"severity\":\""
        + severity
        + "\"},\"annotations\":{\"summary\":\""
        + name
        + "\"},\"startsAt\":\""
        + Instant.ofEpochMilli(startsAt)
        + "\",\"endsAt\":\""
        + (endsAt > 0 ? Instant.ofEpochMilli(endsAt).toString() : "0001-01-01T00:00:00Z")
        + "\",\"generatorURL\":\"http://prometheus:9090/graph\",\"fingerprint\":\""
        + fingerprint
        + "\"}";
  }

  private static ErrorGroupRow errorGroup(
      String hash, String template, long firstSeen, long count, String mergedInto) {
    return new ErrorGroupRow(
        "acme",
        "search",
        hash,
        "t-" + hash,
        template,
        "ERROR",
        template.replace("<*>", "10.0.0.7:9200"),
        firstSeen,
        firstSeen,
        count,
        count / 3,
        true,
        mergedInto);
  }

  private static String notification(String... alerts) {
    return "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"vigil\",\"alerts\":["
        + String.join(",", alerts)
        + "]}";
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String body)
      throws Exception {
    TestKafka.send(producer, topic, null, body.getBytes(StandardCharsets.UTF_8));
  }

  /** 200 ordinary minutes of a service's latency, then one far-off point (minute 200). */
  private static void produce(
      KafkaProducer<byte[], byte[]> producer, String topic, String source, long base)
      throws Exception {
    for (int i = 0; i <= 200; i++) {
      SplittableRandom r = new SplittableRandom(i);
      double v = i == 200 ? 400 : 100 + r.nextGaussian() * 2;
      MetricPoint p =
          new MetricPoint(
              "acme", source, "latency_ms", Map.of("instance", "i1"), base + i * MINUTE, v);
      TestKafka.send(
          producer, topic, p.series().getBytes(StandardCharsets.UTF_8), MetricJsonCodec.encode(p));
    }
  }

  /** An alert of the log job's silence rule on search, as that job publishes it. */
  private static AlertTransition vigilAlert(
      String seed, String transition, AlertStatus status, long startsAt) {
    return new AlertTransition(
        UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString(),
        "fp-" + seed,
        "rule-silence",
        "search stopped logging",
        "critical",
        status,
        transition,
        true,
        seed,
        startsAt,
        status == AlertStatus.RESOLVED ? startsAt + 10 * MINUTE : 0,
        startsAt,
        1.0,
        Map.of(
            "alertname", "search stopped logging",
            "severity", "critical",
            "tenant", "acme",
            "source", "search"),
        Map.of("summary", "search stopped logging: no data for 600s"),
        List.of(),
        "",
        0,
        0);
  }

  private static JsonNode json(byte[] value) {
    try {
      return JSON.readTree(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean analysed(Connection db, String fingerprint) {
    return Db.count(
            db,
            "SELECT count(*) FROM alerts WHERE fingerprint = '"
                + fingerprint
                + "' AND analysis IS NOT NULL")
        == 1;
  }

  private static JsonNode analysis(Connection db, String fingerprint) {
    try {
      return JSON.readTree(
          Db.text(
              db, "SELECT analysis::text FROM alerts WHERE fingerprint = '" + fingerprint + "'"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Db.await(condition, Duration.ofMinutes(2), what);
  }
}
