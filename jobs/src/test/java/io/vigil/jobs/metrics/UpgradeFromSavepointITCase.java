package io.vigil.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.SeriesDetector;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.source.KafkaSources;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import io.vigil.jobs.testing.TestMiniCluster;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upgrade from a savepoint of an OLDER build (issue #6), as Flink's own state migration tests do:
 * {@code src/test/resources/savepoints/<version>/} holds a savepoint that an older build of Vigil
 * took of the metrics job with alerting (how: the README.md there, and {@link #generate} below,
 * which ran against that build). This test restores it with the CURRENT build on a MiniCluster
 * against the real Kafka, PostgreSQL and InfluxDB and checks that the state survived:
 *
 * <ul>
 *   <li>the Kafka offsets: the restored run reads exactly the second part of the input (every point
 *       of it once in InfluxDB, none of the first part again, no dead letters), and the old run had
 *       written exactly the first part (recorded at generation time);
 *   <li>the per-series detector state: the scores after the restore equal an offline run of the
 *       detector over each whole series, and differ from a cold detector's for every series;
 *   <li>the alerts open at savepoint time (one firing, one pending, one firing whose condition had
 *       cleared and whose auto-resolve was counting down): the same ids and starts_at as the old
 *       run wrote, and the same rows (status, ends_at) as an uninterrupted run of the current build
 *       over the whole input;
 *   <li>the anomaly rows: those of the offline detector, with the ids an uninterrupted run writes,
 *       and the old run's anomaly ids are the ones the current build gives the same points.
 * </ul>
 *
 * <p>Both runs get an empty, unbounded Kafka feedback input, as in production ({@link
 * #emptyFeedback}): before {@code IdleWatermarks} it held the job's event time at Long.MIN_VALUE in
 * every unbounded run, and the uninterrupted reference run then applied no alert.
 *
 * <p>The savepoint is always restored long after it was taken, so the open alerts' last signals are
 * hours or months old in processing time: this also checks that a stop does not count towards an
 * alert's staleness ("no data" after 30 minutes without a signal).
 *
 * <p>Run time: 26-43 s for this class on the 2-core build machine (the two jobs, restored and
 * reference, 12-18 s of it; the rest is producing the input twice and the MiniCluster), about 50-75
 * s for the Maven command with the build.
 */
class UpgradeFromSavepointITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MINUTE = 60_000;
  private static final long BASE = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
  private static final int SERIES = 60;
  private static final int POINTS = 300;

  /** Points before this index are produced (and consumed) before the savepoint. */
  private static final int SPLIT = 180;

  private static final int PARTITIONS = 2;
  private static final String TENANT = "acme";
  private static final String RULE_NAME = "cpu above 90 for 5 minutes";
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** The detector of the runs: its state format is the same in every build tested so far. */
  private static final String DETECTOR = "robust-ewma";

  @RegisterExtension static final MiniClusterExtension CLUSTER = TestMiniCluster.twoSlots();

  // ------------------------------------------------------------------------------------------
  // The input: the same records, in the same order and partitions, in every run.

  /** Series i: cpu for i < 3 (the threshold rule's scope), latency otherwise. */
  static MetricPoint point(int series, int i) {
    Random r = new Random(series * 1_000_003L + i);
    boolean cpu = series < 3;
    double level = cpu ? 50 : 100 + 10 * (series % 7);
    double v = level + r.nextGaussian() * level * 0.02;
    if (cpu && breach(series, i)) {
      v = 95 + r.nextDouble();
    }
    if ((series == 5 && i == 100) || (series == 7 && i == 230) || (series == 11 && i == 250)) {
      v += level * 0.8; // spikes: one before the savepoint, two after
    }
    return new MetricPoint(
        TENANT,
        "svc-" + (series % 10),
        cpu ? "cpu" : "latency_ms",
        Map.of("host", "h" + series),
        BASE + i * MINUTE,
        v);
  }

  /**
   * The threshold breaches: series 0 from 165 to 199 (firing at the savepoint, resolves after),
   * series 1 from 174 to 189 (pending at the savepoint: held 5 minutes only at 179), series 2 from
   * 150 to 160 (fired and cleared before the savepoint, auto-resolve 30 minutes later, after it).
   */
  static boolean breach(int series, int i) {
    return switch (series) {
      case 0 -> i >= 165 && i < 200;
      case 1 -> i >= 174 && i < 190;
      case 2 -> i >= 150 && i < 161;
      default -> false;
    };
  }

  static String seriesKey(int series) {
    return point(series, 0).series();
  }

  /** Sends points [from, to) of every series, one record each, time step by time step. */
  static void produce(String bootstrap, String topic, int from, int to) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(bootstrap)) {
      for (int i = from; i < to; i++) {
        for (int s = 0; s < SERIES; s++) {
          MetricPoint p = point(s, i);
          // asynchronous: the idempotent producer keeps each partition's order
          producer.send(
              new ProducerRecord<>(
                  topic, p.series().getBytes(StandardCharsets.UTF_8), MetricJsonCodec.encode(p)));
        }
      }
      producer.flush();
    }
  }

  /** The rule with fixed id and version (updated_at), so alert fingerprints match in every run. */
  static void insertRule(VigilConfig config) throws Exception {
    try (Connection c = ModelRegistry.connect(config);
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO alert_rules (id, tenant, name, scope, conditions, severity, channels,"
                    + " active, for_seconds, auto_resolve_seconds, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?::jsonb, ?::jsonb, 'high', '[]'::jsonb, true, 300, 1800,"
                    + " ?, ?)")) {
      ps.setObject(1, ruleId());
      ps.setString(2, TENANT);
      ps.setString(3, RULE_NAME);
      ps.setString(4, "{\"metric\":\"cpu\"}");
      ps.setString(5, "{\"kind\":\"threshold\",\"op\":\"gt\",\"value\":90}");
      ps.setTimestamp(6, new Timestamp(BASE));
      ps.setTimestamp(7, new Timestamp(BASE));
      ps.executeUpdate();
    }
  }

  /**
   * What RuleSeeder.ruleId gives the rule since the name-based ids (computed here for old code).
   */
  static UUID ruleId() {
    return UUID.nameUUIDFromBytes(
        ("vigil-alert-rule\u0000" + TENANT + "\u0000" + RULE_NAME)
            .getBytes(StandardCharsets.UTF_8));
  }

  /** Names of one run: Kafka topics, PostgreSQL schema, InfluxDB database. */
  record Run(String name, String topic) {
    String dlq() {
      return name + ".dlq";
    }

    String alerts() {
      return name + ".alerts";
    }

    String feedback() {
      return name + ".feedback";
    }
  }

  static VigilConfig config(LocalServices services, Run run) {
    return VigilConfig.fromMap(settings(services, run), Map.of());
  }

  static Map<String, String> settings(LocalServices services, Run run) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap-servers", services.kafkaBootstrap());
    conf.put("kafka.metrics-topic", run.topic());
    conf.put("kafka.metrics-dlq-topic", run.dlq());
    conf.put("kafka.alerts-topic", run.alerts());
    conf.put("kafka.feedback-topic", "");
    conf.put("kafka.group-id", run.name());
    conf.put("kafka.starting-offsets", "earliest");
    conf.put("kafka.transactional-id-prefix", run.name());
    conf.put("postgres.url", services.pgUrlWithSchema(run.name()));
    conf.put("postgres.user", services.pgUser());
    conf.put("postgres.password", services.pgPassword());
    conf.put("postgres.migrate-on-start", "true");
    conf.put("influxdb.url", services.influxUrl());
    conf.put("influxdb.database", run.name());
    // the input's event times are fixed (in a savepoint), so they age: keep them forever
    conf.put("influxdb.retention", "INF");
    conf.put("event-time.max-out-of-orderness", "2m");
    conf.put("job.checkpoint-interval", "1s");
    conf.put("detection.detector", DETECTOR);
    return conf;
  }

  /**
   * The metrics job with alerting, wired as MetricsAnomalyJob.main wires an unbounded run. The
   * alerting entry point is looked up by reflection because its signature changed (a {@code
   * bounded} flag was added after c2bfdfc), so this one file runs against every build.
   */
  static JobClient start(LocalServices services, Run run, String savepoint) throws Exception {
    VigilConfig config = config(services, run);
    MetricsAnomalyJob.prepareDatabase(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    env.setParallelism(2);
    MetricsAnomalyJob.Outputs outputs =
        MetricsAnomalyJob.buildPipeline(
            env,
            new MetricsAnomalyJob.Sources(
                KafkaSources.raw(config, run.topic(), run.name()), emptyFeedback(services, run)),
            MetricsAnomalyJob.Sinks.from(config),
            config);
    Object alerting = MetricsAnomalyJob.alertingConfig(config);
    Method build = null;
    for (Method m : io.vigil.jobs.alerts.AlertingPipeline.class.getMethods()) {
      if (m.getName().equals("build")
          && m.getParameterCount() >= 4
          && m.getParameterTypes()[3].isInstance(alerting)
          && (m.getParameterCount() == 4
              || (m.getParameterCount() == 5 && m.getParameterTypes()[4] == boolean.class))) {
        build = m;
      }
    }
    assertThat(build)
        .as("AlertingPipeline.build(env, points, anomalies, config[, bounded])")
        .isNotNull();
    if (build.getParameterCount() == 4) {
      build.invoke(null, env, outputs.points(), outputs.anomalies(), alerting);
    } else {
      build.invoke(null, env, outputs.points(), outputs.anomalies(), alerting, false);
    }
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName("vigil-upgrade-" + run.name());
    if (savepoint != null) {
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
    }
    return env.executeAsync(graph);
  }

  /**
   * An empty feedback topic read as production does, unbounded. (The old build's savepoint holds a
   * bounded split of it, so the restored run's feedback reader stops at once; the reference run's
   * reads forever.) The job must advance event time all the same.
   */
  static Source<RawRecord, ?, ?> emptyFeedback(LocalServices services, Run run) {
    Map<String, String> conf = settings(services, run);
    return KafkaSources.raw(
        VigilConfig.fromMap(conf, Map.of()), run.feedback(), run.name() + "-fb");
  }

  // ------------------------------------------------------------------------------------------
  // The generator: run it against the OLD build (see savepoints/<version>/README.md).

  /**
   * Runs the first part of the input through the job of the build it is compiled against and stops
   * it with a savepoint, which it copies to {@code jobs/src/test/resources/savepoints/<version>/}
   * with a record of what that run wrote ({@code old-run.json}). Enabled by {@code
   * VIGIL_UPGRADE_GENERATE=<version>}.
   */
  @Test
  @EnabledIfEnvironmentVariable(named = "VIGIL_UPGRADE_GENERATE", matches = ".+")
  void generate() throws Exception {
    String version = System.getenv("VIGIL_UPGRADE_GENERATE");
    LocalServices services = LocalServices.get();
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    Run run = new Run("upgrade_" + id + "_old", topicOf(version));
    recreateTopic(services.kafkaBootstrap(), run.topic());
    TestKafka.createTopics(services.kafkaBootstrap(), 1, run.dlq(), run.alerts(), run.feedback());
    VigilConfig config = config(services, run);
    MetricsAnomalyJob.prepareDatabase(config);
    insertRule(config);
    JobClient job = start(services, run, null);
    awaitRunning(job);
    Thread.sleep(5_000); // the rules are read at start; the breaches come thousands of points later
    produce(services.kafkaBootstrap(), run.topic(), 0, SPLIT);
    await(
        "every point of the first part in InfluxDB",
        job,
        () ->
            scores(services, run.name()).values().stream().mapToInt(List::size).sum()
                == SERIES * SPLIT);
    await(
        "alerts open at the savepoint: firing, pending, firing (cleared)",
        job,
        () -> {
          List<AlertRow> a = alerts(config);
          return a.size() == 3
              && a.stream()
                  .map(AlertRow::status)
                  .sorted()
                  .toList()
                  .equals(List.of("firing", "firing", "pending"));
        });
    Thread.sleep(3_000); // a few checkpoints: nothing else arrives
    Path tmp = Files.createTempDirectory("vigil-upgrade-savepoint");
    String savepoint =
        job.stopWithSavepoint(false, tmp.toUri().toString(), SavepointFormatType.CANONICAL).get();
    Path target =
        LocalServices.repositoryRoot()
            .resolve("jobs/src/test/resources/savepoints/" + version + "/savepoint");
    Files.createDirectories(target);
    try (Stream<Path> files = Files.walk(Paths.get(java.net.URI.create(savepoint)))) {
      Path from = Paths.get(java.net.URI.create(savepoint));
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path to = target.resolve(from.relativize(f).toString());
        Files.createDirectories(to.getParent());
        Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    ObjectNode record = JSON.createObjectNode();
    record.put("topic", run.topic());
    record.put("series", SERIES);
    record.put("points", POINTS);
    record.put("split", SPLIT);
    record.put("detector", DETECTOR);
    ObjectNode points = record.putObject("scores");
    scores(services, run.name()).forEach((k, v) -> points.put(k, v.size() + ":" + digest(v)));
    ArrayNode anomalies = record.putArray("anomalies");
    anomalies(config).forEach(anomalies::add);
    ArrayNode alerts = record.putArray("alerts");
    alerts(config).forEach(a -> alerts.add(a.toString()));
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(target.getParent().resolve("old-run.json").toFile(), record);
    System.out.println("savepoint " + savepoint + " copied to " + target);
  }

  static String topicOf(String version) {
    return "vigil-upgrade-" + version + ".metrics";
  }

  // ------------------------------------------------------------------------------------------
  // The test: the CURRENT build restores each committed savepoint.

  @ParameterizedTest(name = "from {0}")
  @ValueSource(strings = {"c2bfdfc"})
  void restoresTheSavepointOfAnOlderBuild(String version) throws Exception {
    LocalServices services = LocalServices.get();
    URL resource = getClass().getResource("/savepoints/" + version + "/savepoint/_metadata");
    assertThat(resource).as("savepoint of " + version).isNotNull();
    String savepoint = Paths.get(resource.toURI()).getParent().toString();
    JsonNode old =
        JSON.readTree(getClass().getResource("/savepoints/" + version + "/old-run.json"));
    assertThat(old.get("topic").asText()).isEqualTo(topicOf(version));
    assertThat(old.get("detector").asText()).isEqualTo(DETECTOR);
    assertThat(old.get("split").asInt()).isEqualTo(SPLIT);

    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    // The savepoint's Kafka splits name the topic: a fresh topic of that name, same records.
    Run restored = new Run("upgrade_" + id + "_new", topicOf(version));
    Run reference = new Run("upgrade_" + id + "_ref", "upgrade_" + id + "_ref.metrics");
    recreateTopic(services.kafkaBootstrap(), restored.topic());
    TestKafka.createTopics(services.kafkaBootstrap(), PARTITIONS, reference.topic());
    TestKafka.createTopics(
        services.kafkaBootstrap(),
        1,
        restored.dlq(),
        restored.alerts(),
        restored.feedback(),
        reference.dlq(),
        reference.alerts(),
        reference.feedback());
    produce(services.kafkaBootstrap(), restored.topic(), 0, POINTS);
    produce(services.kafkaBootstrap(), reference.topic(), 0, POINTS);

    // --- expectations from an offline run of the detector
    DetectorFactory detector = MetricsAnomalyJob.detector(config(services, restored));
    Map<String, List<Double>> whole = new TreeMap<>();
    Map<String, List<Double>> cold = new TreeMap<>();
    Set<String> expectedAnomalies = new TreeSet<>();
    for (int s = 0; s < SERIES; s++) {
      SeriesDetector warm = detector.create();
      SeriesDetector fresh = detector.create();
      List<Double> scores = new ArrayList<>();
      List<Double> coldScores = new ArrayList<>();
      for (int i = 0; i < POINTS; i++) {
        MetricPoint p = point(s, i);
        double score = warm.update(p.timestamp(), p.value()).score();
        scores.add(score);
        if (i >= SPLIT) {
          coldScores.add(fresh.update(p.timestamp(), p.value()).score());
          if (score >= 0.4) {
            expectedAnomalies.add(p.series() + "@" + p.timestamp());
          }
        }
      }
      whole.put(seriesKey(s), scores);
      cold.put(seriesKey(s), coldScores);
    }
    for (int s : new int[] {7, 11}) {
      assertThat(expectedAnomalies)
          .as("the spikes after the savepoint are anomalies")
          .contains(seriesKey(s) + "@" + point(s, s == 7 ? 230 : 250).timestamp());
    }

    // --- what the old build wrote before its savepoint: exactly the first part of every series
    JsonNode oldScores = old.get("scores");
    assertThat(oldScores.size()).isEqualTo(SERIES);
    for (Map.Entry<String, List<Double>> e : whole.entrySet()) {
      assertThat(oldScores.path(e.getKey()).asText())
          .as("the old run's scores of " + e.getKey())
          .isEqualTo(SPLIT + ":" + digest(e.getValue().subList(0, SPLIT)));
    }

    // --- the current build restored from the old build's savepoint
    VigilConfig restoredConfig = config(services, restored);
    MetricsAnomalyJob.prepareDatabase(restoredConfig);
    insertRule(restoredConfig);
    long t0 = System.nanoTime();
    JobClient job = start(services, restored, savepoint);
    runUntilDone(job, services, restored, restoredConfig, POINTS - SPLIT);
    // --- and an uninterrupted run of the current build over the whole input
    VigilConfig referenceConfig = config(services, reference);
    MetricsAnomalyJob.prepareDatabase(referenceConfig);
    insertRule(referenceConfig);
    JobClient ref = start(services, reference, null);
    runUntilDone(ref, services, reference, referenceConfig, POINTS);
    System.out.printf(
        "upgrade from %s: both runs took %d s%n",
        version, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));

    // Offsets and detector state: each point of the second part once, with the warm scores.
    Map<String, List<Double>> actual = scores(services, restored.name());
    assertThat(actual.keySet()).containsExactlyElementsOf(whole.keySet());
    for (Map.Entry<String, List<Double>> e : whole.entrySet()) {
      List<Double> after = e.getValue().subList(SPLIT, POINTS);
      assertThat(actual.get(e.getKey()))
          .as("scores after the restore of " + e.getKey() + " (state restored)")
          .containsExactlyElementsOf(after);
      assertThat(cold.get(e.getKey()))
          .as("a cold detector would score " + e.getKey() + " differently")
          .isNotEqualTo(after);
    }
    assertThat(pointTimes(services, restored.name()))
        .as("the InfluxDB points of the restored run: every second-part point once")
        .isEqualTo(SERIES * (POINTS - SPLIT))
        .isEqualTo(distinctPointTimes(services, restored.name()));
    assertThat(minTime(services, restored.name())).isEqualTo(BASE + SPLIT * MINUTE);
    assertThat(scores(services, reference.name()))
        .as("the uninterrupted run scores like the offline detector")
        .isEqualTo(whole);
    List<ConsumerRecord<byte[], byte[]>> dead =
        TestKafka.readCommitted(
            services.kafkaBootstrap(), restored.dlq(), 0, Duration.ofSeconds(5));
    assertThat(dead).as("dead letters (a replayed first part would be late)").isEmpty();

    // Anomalies: those of the offline detector, with the uninterrupted run's ids.
    Map<String, String> restoredAnomalies = anomalyIds(restoredConfig);
    Map<String, String> referenceAnomalies = anomalyIds(referenceConfig);
    assertThat(restoredAnomalies.keySet()).containsExactlyElementsOf(expectedAnomalies);
    Map<String, String> referenceAfter = new TreeMap<>();
    Set<String> referenceBefore = new TreeSet<>();
    referenceAnomalies.forEach(
        (k, v) -> {
          long t = Long.parseLong(k.substring(k.lastIndexOf('@') + 1));
          if (t >= BASE + SPLIT * MINUTE) {
            referenceAfter.put(k, v);
          } else {
            referenceBefore.add(v);
          }
        });
    assertThat(restoredAnomalies).isEqualTo(referenceAfter);
    Set<String> oldAnomalies = new TreeSet<>();
    old.get("anomalies").forEach(n -> oldAnomalies.add(n.asText()));
    assertThat(oldAnomalies)
        .as("the old run's anomaly ids are the current build's (a replay would upsert them)")
        .isNotEmpty()
        .isEqualTo(referenceBefore);

    // Alerts: those open at the savepoint continue (same ids and starts_at) and resolve as in the
    // uninterrupted run.
    List<AlertRow> restoredAlerts = alerts(restoredConfig);
    List<AlertRow> referenceAlerts = alerts(referenceConfig);
    assertThat(referenceAlerts).hasSize(3).allMatch(a -> a.status().equals("resolved"));
    assertThat(restoredAlerts).isEqualTo(referenceAlerts);
    List<String> oldOpen = new ArrayList<>();
    old.get("alerts").forEach(n -> oldOpen.add(n.asText()));
    assertThat(oldOpen).hasSize(3);
    for (String o : oldOpen) {
      AlertRow was = AlertRow.parse(o);
      assertThat(restoredAlerts)
          .as("the alert open at the savepoint " + o + " continues")
          .anyMatch(a -> a.id().equals(was.id()) && a.startsAt() == was.startsAt());
    }
    assertThat(restoredAlerts)
        .extracting(AlertRow::startsAt)
        .containsExactlyInAnyOrder(BASE + 150 * MINUTE, BASE + 165 * MINUTE, BASE + 174 * MINUTE);
  }

  /**
   * Waits until the run wrote {@code points} points per series and resolved all three alerts, lets
   * a few more checkpoints pass (so anything extra would show), then cancels the job.
   */
  private static void runUntilDone(
      JobClient job, LocalServices services, Run run, VigilConfig config, int points)
      throws Exception {
    awaitRunning(job);
    await(
        run.name() + ": every point in InfluxDB",
        job,
        () ->
            scores(services, run.name()).values().stream().mapToInt(List::size).sum()
                >= SERIES * points); // exactly that many: asserted below
    await(
        run.name() + ": three alerts resolved",
        job,
        () -> {
          List<AlertRow> a = alerts(config);
          return a.size() == 3 && a.stream().allMatch(r -> r.status().equals("resolved"));
        });
    Thread.sleep(3_000);
    assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    job.cancel().get();
  }

  // ------------------------------------------------------------------------------------------
  // Reading the outputs

  /** An {@code alerts} row without its wall-clock columns. */
  record AlertRow(String id, String fingerprint, String status, long startsAt, long endsAt) {
    @Override
    public String toString() {
      return String.join("|", id, fingerprint, status, "" + startsAt, "" + endsAt);
    }

    static AlertRow parse(String s) {
      String[] f = s.split("\\|");
      return new AlertRow(f[0], f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]));
    }
  }

  static List<AlertRow> alerts(VigilConfig config) throws Exception {
    List<AlertRow> out = new ArrayList<>();
    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, fingerprint, status, starts_at, ends_at FROM alerts ORDER BY id")) {
      while (rs.next()) {
        out.add(
            new AlertRow(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getTimestamp(4).getTime(),
                rs.getTimestamp(5) == null ? 0 : rs.getTimestamp(5).getTime()));
      }
    }
    return out;
  }

  /** Anomaly ids by series@detected_at. */
  static Map<String, String> anomalyIds(VigilConfig config) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, series, detected_at FROM anomalies")) {
      while (rs.next()) {
        String key = rs.getString(2) + "@" + rs.getTimestamp(3).getTime();
        assertThat(out.put(key, rs.getString(1))).as("one anomaly row per point: " + key).isNull();
      }
    }
    return out;
  }

  static List<String> anomalies(VigilConfig config) throws Exception {
    return new ArrayList<>(anomalyIds(config).values());
  }

  /** Scores per series key in time order, from the run's InfluxDB database. */
  static Map<String, List<Double>> scores(LocalServices services, String database) {
    Map<String, List<Double>> out = new TreeMap<>();
    for (List<Object> row :
        query(
            services,
            database,
            "SELECT anomaly_score, tenant, source_id, metric_name, host FROM"
                + " \"vigil_30d\".\"data_points\" ORDER BY time ASC")) {
      String key =
          new MetricPoint(
                  (String) row.get(2),
                  (String) row.get(3),
                  (String) row.get(4),
                  Map.of("host", (String) row.get(5)),
                  0,
                  0)
              .series();
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(((Number) row.get(1)).doubleValue());
    }
    return out;
  }

  private static long pointTimes(LocalServices services, String database) {
    return scores(services, database).values().stream().mapToLong(List::size).sum();
  }

  private static long distinctPointTimes(LocalServices services, String database) {
    Set<String> keys = new TreeSet<>();
    for (List<Object> row :
        query(
            services, database, "SELECT anomaly_score, host FROM \"vigil_30d\".\"data_points\"")) {
      keys.add(row.get(2) + "@" + ((Number) row.get(0)).longValue());
    }
    return keys.size();
  }

  private static long minTime(LocalServices services, String database) {
    return query(
            services,
            database,
            "SELECT anomaly_score FROM \"vigil_30d\".\"data_points\" ORDER BY time ASC LIMIT 1")
        .stream()
        .mapToLong(r -> ((Number) r.get(0)).longValue())
        .findFirst()
        .orElseThrow();
  }

  private static List<List<Object>> query(LocalServices services, String database, String q) {
    InfluxDB influx = InfluxDBFactory.connect(services.influxUrl());
    try {
      QueryResult r = influx.query(new Query(q, database), TimeUnit.MILLISECONDS);
      if (r.getResults() == null
          || r.getResults().isEmpty()
          || r.getResults().get(0).getSeries() == null) {
        return List.of();
      }
      List<List<Object>> out = new ArrayList<>();
      r.getResults().get(0).getSeries().forEach(s -> out.addAll(s.getValues()));
      return out;
    } finally {
      influx.close();
    }
  }

  static String digest(List<Double> scores) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (double d : scores) {
        md.update(Double.toString(d).getBytes(StandardCharsets.UTF_8));
        md.update((byte) ',');
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------------------------------

  /** Deletes the topic if it exists and creates it afresh with {@link #PARTITIONS} partitions. */
  static void recreateTopic(String bootstrap, String topic) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      try {
        admin.deleteTopics(List.of(topic)).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
    }
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      try {
        TestKafka.createTopics(bootstrap, PARTITIONS, topic);
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200); // the deletion completes asynchronously
      }
    }
  }

  private static void awaitRunning(JobClient job) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (job.getJobStatus().get() != JobStatus.RUNNING) {
      assertThat(System.nanoTime()).as("job running").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void await(String what, JobClient job, Check check) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!check.ok()) {
      JobStatus status = job.getJobStatus().get();
      if (status.isGloballyTerminalState()) {
        job.getJobExecutionResult().get(); // throws the failure
        throw new AssertionError(what + ": the job ended (" + status + ")");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + DEADLINE);
      }
      Thread.sleep(250);
    }
  }

  @FunctionalInterface
  interface Check {
    boolean ok() throws Exception;
  }
}
