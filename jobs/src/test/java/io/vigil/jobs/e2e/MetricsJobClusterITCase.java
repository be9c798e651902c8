package io.vigil.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.alerts.RuleSeeder;
import io.vigil.jobs.alerts.testing.HttpRecorder;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.db.Migrations;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.health.PrometheusRules;
import io.vigil.jobs.logs.LogAnomalyJob;
import io.vigil.jobs.metrics.MetricsAnomalyJob;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end: the shaded job jar submitted with Flink's CLI to a standalone cluster (one
 * JobManager, two TaskManagers, separate JVMs, RocksDB, checkpoints on local disk) against the real
 * Kafka, PostgreSQL and InfluxDB. 1,000,800 points go in once to a clean topic and once, with
 * 100,200 malformed records mixed in, to the hostile topic the other runs read; a failure-free run
 * gives the reference; a run whose TaskManagers are SIGKILLed three times, a run stopped with a
 * savepoint and resumed, and a run through 60 s outages of PostgreSQL and InfluxDB and a Kafka
 * broker restart must write exactly the same anomaly rows, InfluxDB points and dead letters. The
 * log job runs beside the metrics job in those three runs (same cluster, same database, same
 * failures) over a log topic with malformed records mixed in, and must write exactly the templates,
 * error groups, feature windows, log anomalies and dead letters of its own failure-free run.
 * Figures (run times, recovery times, throughput with and without the bad records) are printed,
 * never asserted. See docs/e2e.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsJobClusterITCase {
  private static final int SERIES = Integer.getInteger("vigil.e2e.series", 2004);
  private static final int POINTS = Integer.getInteger("vigil.e2e.points", 500);
  private static final int CHUNK = 50;
  private static final int BAD_PER_MESSAGE = Integer.getInteger("vigil.e2e.bad-per-message", 5);
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final int KILLS = 3;
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);
  private static final String MAIN = MetricsAnomalyJob.class.getName();
  private static final int LOG_SERVICES = Integer.getInteger("vigil.e2e.log-services", 20);
  private static final int LOG_MINUTES = Integer.getInteger("vigil.e2e.log-minutes", 480);
  private static final int LOG_BAD_EVERY = 5;

  /**
   * Two alert rules over the spiked tenant, both notifying a signed webhook. The threshold rule is
   * scoped to 20 series: every point in a threshold rule's scope is an event for its CEP operator
   * (with RocksDB state), and over all 400 series of the tenant that tripled the run time here.
   */
  static final String RULES =
      """
      rules:
        - name: spike
          tenant: tenant-3
          condition: {kind: anomaly, min_severity: high}
          severity: critical
          channels: [hook]
          auto_resolve: 30m
        - name: level above 150 for 3 minutes
          tenant: tenant-3
          scope: {metric: m3}
          condition: {kind: threshold, op: gt, value: 150}
          for: 3m
          severity: high
          channels: [hook]
          auto_resolve: 5m
      """;

  private static final String WEBHOOK_SECRET = "e2e-webhook-secret";
  private static LocalServices services;
  private static HttpRecorder http;
  private static Alerting referenceAlerts;
  private static FlinkCluster cluster;
  private static String prefix;
  private static String topic;
  private static String cleanTopic;
  private static MetricsWorkload workload;
  private static List<MetricsWorkload.BadRecord> bad;
  private static MetricsWorkload.Expected expected;
  private static RunOutputs reference;
  private static String logsTopic;
  private static LogsWorkload logs;
  private static List<MetricsWorkload.BadRecord> logsBad;
  private static LogsWorkload.Expected logsExpected;
  private static LogRunOutputs logsReference;
  private static final Random RANDOM = new Random();
  private static final List<String> FIGURES = new ArrayList<>();

  @BeforeAll
  static void produceInputAndRunWithoutFailures() throws Exception {
    services = LocalServices.get();
    http = new HttpRecorder();
    long t0 = System.nanoTime();
    cluster = FlinkCluster.start(2);
    figure("cluster start (JobManager + 2 TaskManagers)", t0);
    prefix = "e2e" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    topic = prefix + ".metrics";
    cleanTopic = prefix + ".clean";
    logsTopic = prefix + ".logs";
    // more partitions than source subtasks: each subtask reads two, each with its own watermark
    TestKafka.createTopics(services.kafkaBootstrap(), 4, topic, cleanTopic, logsTopic);
    long base =
        (System.currentTimeMillis() / MetricsWorkload.MINUTE - 2 * 24 * 60)
            * MetricsWorkload.MINUTE;
    workload = new MetricsWorkload(SERIES, POINTS, CHUNK, base);
    t0 = System.nanoTime();
    bad = workload.produce(services.kafkaBootstrap(), cleanTopic, topic, BAD_PER_MESSAGE);
    figure(
        "produce "
            + workload.pointCount()
            + " points twice (clean topic; hostile topic with "
            + bad.size()
            + " malformed records mixed in)",
        t0);
    assertThat(bad).hasSize(workload.messageCount() * BAD_PER_MESSAGE);
    logs = new LogsWorkload(LOG_SERVICES, LOG_MINUTES, base);
    t0 = System.nanoTime();
    logsBad = logs.produce(services.kafkaBootstrap(), logsTopic, LOG_BAD_EVERY);
    figure(
        "produce "
            + logs.lineCount()
            + " log lines of "
            + LOG_SERVICES
            + " services with "
            + logsBad.size()
            + " malformed records mixed in",
        t0);
    assertThat(logsBad).hasSize(LOG_SERVICES * LOG_MINUTES / LOG_BAD_EVERY);
    logsExpected = logs.expected();
    VigilConfig defaults = VigilConfig.fromMap(Map.of(), Map.of());
    expected = workload.expected(MetricsAnomalyJob.detector(defaults), 0.4);
    assertThat(expected.anomalies())
        .as("the detector finds the injected spikes")
        .containsAll(expected.spikes());

    // Throughput baseline: the same points without the malformed records.
    String clean = prefix + "_clean";
    double cleanSeconds = timedRun(clean, cleanTopic, "clean run");
    RunOutputs cleanOutputs = outputs("clean", clean, 0);
    checkAgainstInput(cleanOutputs, List.of());

    String run = prefix + "_ref";
    double hostileSeconds = timedRun(run, topic, "reference run (hostile input)");
    FIGURES.add(
        String.format(
            "hostile input: %d malformed records among %d points: %.0f vs %.0f points/s clean"
                + " (running to FINISHED), ratio %.2f",
            bad.size(),
            workload.pointCount(),
            workload.pointCount() / hostileSeconds,
            workload.pointCount() / cleanSeconds,
            hostileSeconds / cleanSeconds));
    reference = outputs("reference", run, bad.size());
    checkAgainstInput(reference, bad);
    referenceAlerts = alerting("reference", run);
    assertThat(referenceAlerts.rows()).as("alerts fired").isNotEmpty();
    assertThat(referenceAlerts.rows()).anyMatch(r -> r.contains("|resolved|"));
    assertThat(referenceAlerts.deliveries()).as("webhook notifications").isNotEmpty();
    assertThat(reference.anomalies())
        .as("the malformed records change nothing in the anomalies")
        .containsExactlyElementsOf(cleanOutputs.anomalies());
    assertThat(reference.influx()).containsExactlyInAnyOrderEntriesOf(cleanOutputs.influx());

    // the log job's reference: alone, without failures, into the same database
    t0 = System.nanoTime();
    String logJob = submitLogs(run, null);
    assertThat(cluster.awaitTerminal(logJob, RUN_TIMEOUT)).isEqualTo("FINISHED");
    figure("log reference run: from submission to FINISHED", t0);
    logsReference = logOutputs("reference", run);
    checkLogsAgainstInput(logsReference);
  }

  /** Runs the job over a topic without failures; returns seconds from all tasks running to end. */
  private static double timedRun(String run, String input, String name) throws Exception {
    long t0 = System.nanoTime();
    String job = submit(run, null, input);
    figure(name + ": submit (CLI JVM, migrations, job graph)", t0);
    long t1 = System.nanoTime();
    cluster.await(
        job,
        "all tasks running",
        s -> s.equals("FINISHED") || cluster.allTasksRunning(job),
        Duration.ofMinutes(3));
    long running = System.nanoTime();
    assertThat(cluster.awaitTerminal(job, RUN_TIMEOUT)).isEqualTo("FINISHED");
    figure(name + ": from submission to FINISHED", t1);
    return (System.nanoTime() - running) / 1e9;
  }

  @AfterAll
  static void report() throws InterruptedException {
    if (http != null) {
      http.close();
    }
    System.out.println(
        "==== Vigil end-to-end figures ("
            + workload.pointCount()
            + " points, "
            + SERIES
            + " series) ====");
    if (cluster != null) {
      // each job submission or failover loads the jar's classes anew: a class loader leak shows
      // here
      cluster
          .taskManagerMetric("Status.JVM.Memory.Metaspace.Used")
          .forEach(
              (tm, bytes) ->
                  FIGURES.add(
                      String.format(
                          "TaskManager %s at the end: metaspace used %.0f MB",
                          tm, Double.parseDouble(bytes) / 1e6)));
    }
    FIGURES.forEach(f -> System.out.println("  " + f));
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Vigil's health rules for Prometheus (docker/prometheus/vigil-health.rules.yml, unit-tested by
   * PrometheusRulesTest) read metrics by name; here every name they read is served by the cluster's
   * Prometheus reporter while the metrics job and the log job run, and the metrics job's counters
   * count what its hostile input holds (parsed points and dead letters). A real Prometheus server
   * scrapes the cluster and evaluates the rules: each evaluates without error; the hostile metric
   * topic's dead letters (several percent of its records) raise VigilDeadLetters for the metrics
   * job, the log topic's (under 1% of its lines) do not for the log job; nothing says a running job
   * is restarting, failing its checkpoints or losing notifications or scores; once the metrics job
   * is cancelled, VigilMetricsJobDown is raised.
   */
  @Test
  @Order(0)
  void theHealthRulesReadMetricsTheRunningJobsServeAndPrometheusEvaluatesThem() throws Exception {
    cluster.startPrometheus();
    Set<String> served = new TreeSet<>();
    String run = prefix + "_prom";
    // unbounded: the jobs' metrics are gone once they finish
    Map<String, String> unbounded = Map.of("kafka.bounded", "false");
    String job = submit(run, null, topic, unbounded);
    try {
      awaitRunningWithCheckpoint(job, 1);
      served.addAll(
          awaitCounted(
              METRICS_JOB,
              List.of("vigil_pointsParsed", "vigil_deadLetters", "vigil_influxPointsWritten")));
      Map<String, JsonNode> rules =
          awaitRules(
              "VigilDeadLetters raised for the metrics job; VigilMetricsJobDown and the rules"
                  + " of a broken running job not",
              r ->
                  raisedFor(r.get("VigilDeadLetters"), METRICS_JOB)
                      && r.get("VigilMetricsJobDown").path("state").asText().equals("inactive")
                      && quiet(r, HEALTHY_JOB_QUIET));
      FIGURES.add(
          "Prometheus, metrics job on the hostile topic: dead-letter share "
              + cluster.prometheusQuery(DEAD_LETTER_SHARE).get(METRICS_JOB)
              + ", raised "
              + raised(rules));
    } finally {
      cluster.cancel(job);
      assertThat(cluster.awaitTerminal(job, RUN_TIMEOUT)).isEqualTo("CANCELED");
    }
    Map<String, JsonNode> down =
        awaitRules(
            "VigilMetricsJobDown raised once the metrics job is cancelled",
            r -> raisedFor(r.get("VigilMetricsJobDown"), METRICS_JOB));
    FIGURES.add("Prometheus, metrics job cancelled: raised " + raised(down));
    String logJob = submitLogs(run, null, unbounded);
    try {
      awaitRunningWithCheckpoint(logJob, 1);
      served.addAll(awaitCounted(LOG_JOB, List.of("vigil_logsParsed", "vigil_deadLetters")));
      // judged once most of the topic is read: the share of its first few records is noise
      Double share = null;
      long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (System.nanoTime() < end
          && (cluster.prometheusQuery(LOGS_PARSED).getOrDefault(LOG_JOB, 0.0)
                  < logs.lineCount() / 2.0
              || (share = cluster.prometheusQuery(DEAD_LETTER_SHARE).get(LOG_JOB)) == null)) {
        Thread.sleep(500);
      }
      assertThat(share)
          .as("the log job's dead-letter share once half its topic is read, as Prometheus sees it")
          .isNotNull();
      Instant seen = Instant.now();
      Map<String, JsonNode> rules =
          awaitRules(
              "the rules evaluated after Prometheus saw the log job's dead letters, and those of"
                  + " a broken running job quiet",
              r ->
                  r.values().stream()
                          .allMatch(
                              x -> Instant.parse(x.path("lastEvaluation").asText()).isAfter(seen))
                      && quiet(r, HEALTHY_JOB_QUIET));
      assertThat(share).as("the log topic's malformed share, under the rule's 1%").isLessThan(0.01);
      assertThat(raisedFor(rules.get("VigilDeadLetters"), LOG_JOB))
          .as("VigilDeadLetters for the log job at a share of " + share)
          .isFalse();
      FIGURES.add(
          "Prometheus, log job on its topic: dead-letter share "
              + share
              + ", raised "
              + raised(rules));
    } finally {
      cluster.cancel(logJob);
      assertThat(cluster.awaitTerminal(logJob, RUN_TIMEOUT)).isEqualTo("CANCELED");
    }
    Set<String> read = PrometheusRules.metricNames();
    FIGURES.add(
        "health rules: "
            + read.size()
            + " metric names read, all served: "
            + served.containsAll(read));
    assertThat(served).as("metrics the running jobs serve").containsAll(read);
  }

  private static final String METRICS_JOB = "Vigil_metrics_anomaly_detection";
  private static final String LOG_JOB = "Vigil_log_anomaly_detection";

  /**
   * The share of its input each job sends to its dead-letter topic: what VigilDeadLetters reads.
   */
  private static final String DEAD_LETTER_SHARE =
      "sum by (job_name) (rate(flink_taskmanager_job_task_operator_vigil_deadLetters[10m]))"
          + " / sum by (job_name) (rate({__name__=~"
          + "\"flink_taskmanager_job_task_operator_vigil_(pointsParsed|logsParsed)\"}[10m]))";

  /** The log lines each job decoded so far, summed over its subtasks. */
  private static final String LOGS_PARSED =
      "sum by (job_name) (flink_taskmanager_job_task_operator_vigil_logsParsed)";

  /** The rules that say a running job is broken: quiet while the jobs run as they should. */
  private static final List<String> HEALTHY_JOB_QUIET =
      List.of(
          "VigilJobRestarting",
          "VigilCheckpointsStalled",
          "VigilCheckpointsFailing",
          "VigilNotificationsFailing",
          "VigilInfluxWritesRejected");

  private static boolean quiet(Map<String, JsonNode> rules, List<String> names) {
    return names.stream().allMatch(n -> rules.get(n).path("state").asText().equals("inactive"));
  }

  /**
   * Polls the cluster's Prometheus server until every rule has been evaluated without error and
   * {@code until} holds; returns the rules at that moment.
   */
  private static Map<String, JsonNode> awaitRules(
      String what, java.util.function.Predicate<Map<String, JsonNode>> until) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    Map<String, JsonNode> rules = Map.of();
    while (System.nanoTime() < end) {
      rules = cluster.prometheusRules();
      boolean evaluated =
          rules.size() == PrometheusRules.alerts().size()
              && rules.values().stream().allMatch(r -> r.path("health").asText().equals("ok"));
      if (evaluated && until.test(rules)) {
        return rules;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("Prometheus: not within 3 minutes: " + what + "; rules:\n" + rules);
  }

  /** True when {@code rule} has an alert (pending or firing) for the Flink job {@code jobName}. */
  private static boolean raisedFor(JsonNode rule, String jobName) {
    for (JsonNode alert : rule.path("alerts")) {
      if (alert.path("labels").path("job_name").asText().equals(jobName)) {
        return true;
      }
    }
    return false;
  }

  /** The raised alerts, as {@code rule(job_name) state}. */
  private static List<String> raised(Map<String, JsonNode> rules) {
    List<String> out = new ArrayList<>();
    rules.forEach(
        (name, rule) -> {
          for (JsonNode alert : rule.path("alerts")) {
            out.add(
                name
                    + "("
                    + alert.path("labels").path("job_name").asText()
                    + ") "
                    + alert.path("state").asText());
          }
        });
    return out;
  }

  /**
   * Polls the cluster's Prometheus metrics until each of {@code counters} (operator metrics) is
   * above 0 for {@code jobName}; returns every metric name served at that moment.
   */
  private static Set<String> awaitCounted(String jobName, List<String> counters) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String text = "";
    while (System.nanoTime() < end) {
      text = cluster.prometheusMetrics();
      Set<String> counted = new TreeSet<>();
      Set<String> names = new TreeSet<>();
      for (String line : text.split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        String name = line.substring(0, brace < 0 ? line.indexOf(' ') : brace);
        names.add(name);
        for (String c : counters) {
          if (name.equals("flink_taskmanager_job_task_operator_" + c)
              && line.contains("job_name=\"" + jobName + "\"")
              && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0) {
            counted.add(c);
          }
        }
      }
      if (counted.size() == counters.size()) {
        return names;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        jobName + ": " + counters + " not all above 0 within 3 minutes; served:\n" + text);
  }

  @Test
  @Order(1)
  void taskManagerKillsChangeNothingInTheOutputs() throws Exception {
    String run = prefix + "_kill";
    long t0 = System.nanoTime();
    String job = submit(run, null, topic);
    String logJob = submitLogs(run, null);
    long submitted = System.nanoTime();
    awaitRunningWithCheckpoint(job, 1);
    awaitRunningWithCheckpoint(logJob, 1);
    figure("killed run: submission of both jobs to running with a first checkpoint", submitted);
    int kills = 0;
    // The killed TaskManager is started again by the loop below; one that exits on its own
    // meanwhile
    // (Flink's fatal error when its peer dies mid-exchange) by the supervisor, as in production.
    FlinkCluster.Supervisor supervisor = cluster.supervise();
    try {
      for (int k = 1; k <= KILLS; k++) {
        Thread.sleep(1_000 + RANDOM.nextInt(4_000));
        List<Integer> hosts = new ArrayList<>(cluster.taskManagersOf(job));
        assertThat(hosts)
            .as(
                "kill %d: the job must still run (input too small for this machine?) state=%s",
                k, cluster.state(job))
            .isNotEmpty();
        int tm = hosts.get(RANDOM.nextInt(hosts.size()));
        JsonNode before = cluster.checkpoints(job).path("counts");
        long restoredBefore = before.path("restored").asLong();
        if (k == 1) {
          assertThat(cluster.state(logJob))
              .as("the log job must still run at the first kill (log input too small?)")
              .isEqualTo("RUNNING");
        }
        boolean hitsLogs = cluster.taskManagersOf(logJob).contains(tm);
        long logsRestoredBefore = restored(logJob);
        long logsCompletedBefore = completed(logJob);
        long killedAt = System.nanoTime();
        cluster.killTaskManager(tm);
        kills++;
        CompletableFuture<Void> restart =
            CompletableFuture.runAsync(() -> cluster.startTaskManager(tm));
        // recovered: restored from a checkpoint, every task running again, then a new checkpoint
        cluster.await(
            job,
            "restore after kill " + k,
            s ->
                s.equals("FINISHED")
                    || cluster.checkpoints(job).path("counts").path("restored").asLong()
                            > restoredBefore
                        && cluster.allTasksRunning(job),
            Duration.ofMinutes(3));
        if (hitsLogs) {
          awaitRecovered(logJob, "log job: restore after kill " + k, logsRestoredBefore, -1);
        }
        double recovered = (System.nanoTime() - killedAt) / 1e9;
        long completedNow = cluster.checkpoints(job).path("counts").path("completed").asLong();
        if (hitsLogs) {
          awaitRecovered(logJob, "log job: checkpoint after kill " + k, -1, logsCompletedBefore);
        }
        cluster.await(
            job,
            "checkpoint after kill " + k,
            s ->
                s.equals("FINISHED")
                    || cluster.checkpoints(job).path("counts").path("completed").asLong()
                        > completedNow,
            Duration.ofMinutes(3));
        double checkpointed = (System.nanoTime() - killedAt) / 1e9;
        JsonNode restored = cluster.checkpoints(job).path("latest").path("restored");
        restart.join();
        FIGURES.add(
            String.format(
                "kill %d: SIGKILL TaskManager %d (%s) -> all tasks running again after %.1f s, next"
                    + " checkpoint after %.1f s (restored checkpoint %s), TaskManager back after %.1f s",
                k,
                tm,
                hitsLogs ? "both jobs" : "metrics job only",
                recovered,
                checkpointed,
                restored.path("id").asText("?"),
                (System.nanoTime() - killedAt) / 1e9));
      }
    } finally {
      supervisor.close();
    }
    if (!supervisor.restarted().isEmpty()) {
      FIGURES.add(
          "killed run: the supervisor started TaskManager(s) "
              + supervisor.restarted()
              + " (a killed one before the kill loop's own restart, or one that exited on its own)");
    }
    assertThat(cluster.awaitTerminal(job, RUN_TIMEOUT)).isEqualTo("FINISHED");
    figure("killed run: from submission to FINISHED (" + kills + " kills)", t0);
    long restarts = cluster.checkpoints(job).path("counts").path("restored").asLong();
    FIGURES.add("killed run: restores from checkpoints " + restarts);
    assertThat(restarts).isGreaterThanOrEqualTo(KILLS);
    assertThat(cluster.awaitTerminal(logJob, RUN_TIMEOUT)).isEqualTo("FINISHED");
    FIGURES.add("killed run: log job restores from checkpoints " + restored(logJob));
    assertThat(restored(logJob)).as("the kills hit the log job").isPositive();

    RunOutputs killed = outputs("killed", run);
    checkAgainstInput(killed, bad);
    assertSameAsReference(killed);
    assertSameAlertsAsReference(alerting("killed", run));
    assertSameLogsAsReference(logOutputs("killed", run));
  }

  /**
   * Every test starts with both TaskManagers; one that exited on its own is reported and restarted.
   */
  @BeforeEach
  void everyTaskManagerUp() {
    List<Integer> restarted = cluster.restartDeadTaskManagers();
    if (!restarted.isEmpty()) {
      FIGURES.add(
          "TaskManager(s) "
              + restarted
              + " had exited on their own since the last test (Flink fatal error); started again");
    }
  }

  @Test
  @Order(2)
  void stopWithSavepointAndResumeKeepsDetectorState() throws Exception {
    String run = prefix + "_sp";
    long t0 = System.nanoTime();
    String job = submit(run, null, topic);
    String logJob = submitLogs(run, null);
    awaitRunningWithCheckpoint(job, 1);
    awaitRunningWithCheckpoint(logJob, 1);
    Thread.sleep(2_000 + RANDOM.nextInt(4_000));
    assertThat(cluster.state(job))
        .as("still running when the savepoint is taken")
        .isEqualTo("RUNNING");
    assertThat(cluster.state(logJob))
        .as("the log job still running when the savepoint is taken (log input too small?)")
        .isEqualTo("RUNNING");
    long t1 = System.nanoTime();
    String savepoint = cluster.stopWithSavepoint(job, Duration.ofMinutes(3));
    assertThat(cluster.awaitTerminal(job, Duration.ofMinutes(2))).isEqualTo("FINISHED");
    figure("savepoint run: stop-with-savepoint until the job stopped", t1);
    String logSavepoint = cluster.stopWithSavepoint(logJob, Duration.ofMinutes(3));
    assertThat(cluster.awaitTerminal(logJob, Duration.ofMinutes(2))).isEqualTo("FINISHED");
    long pointsBefore =
        RunOutputs.influx(services, run).values().stream().mapToLong(a -> a.count()).sum();
    FIGURES.add(
        "savepoint run: points written before the stop "
            + pointsBefore
            + ", savepoint "
            + savepoint);
    assertThat(pointsBefore).as("stopped mid-way").isLessThan(workload.pointCount());

    long t2 = System.nanoTime();
    String resumed = submit(run, savepoint, topic);
    String resumedLogs = submitLogs(run, logSavepoint);
    JsonNode restoredFrom = null;
    assertThat(cluster.awaitTerminal(resumed, RUN_TIMEOUT)).isEqualTo("FINISHED");
    assertThat(cluster.awaitTerminal(resumedLogs, RUN_TIMEOUT)).isEqualTo("FINISHED");
    assertThat(
            cluster
                .checkpoints(resumedLogs)
                .path("latest")
                .path("restored")
                .path("is_savepoint")
                .asBoolean())
        .as("the log job restored from its savepoint")
        .isTrue();
    restoredFrom = cluster.checkpoints(resumed).path("latest").path("restored");
    figure("savepoint run: resubmitted from the savepoint to FINISHED", t2);
    figure("savepoint run: total", t0);
    assertThat(restoredFrom.path("is_savepoint").asBoolean())
        .as("restored from the savepoint")
        .isTrue();

    RunOutputs resumedOutputs = outputs("savepoint", run);
    checkAgainstInput(resumedOutputs, bad);
    assertSameAsReference(resumedOutputs);
    assertSameAlertsAsReference(alerting("savepoint", run));
    assertSameLogsAsReference(logOutputs("savepoint", run));
  }

  @Test
  @Order(3)
  void databaseOutagesAndABrokerRestartChangeNothingInTheOutputs() throws Exception {
    String run = prefix + "_outage";
    long t0 = System.nanoTime();
    String job = submit(run, null, topic);
    String logJob = submitLogs(run, null);
    awaitRunningWithCheckpoint(job, 1);
    awaitRunningWithCheckpoint(logJob, 1);
    for (String service : List.of("postgres", "influxdb", "kafka")) {
      assertThat(cluster.state(job))
          .as("still running before the %s outage (input too small for this machine?)", service)
          .isEqualTo("RUNNING");
      long restoredBefore = restored(job);
      long down = System.nanoTime();
      services.control("stop", service);
      if (!service.equals("kafka")) {
        Thread.sleep(OUTAGE.toMillis()); // the outage itself; the broker is only restarted
      }
      services.control("start", service);
      long up = System.nanoTime();
      long completedAtUp = cluster.checkpoints(job).path("counts").path("completed").asLong();
      long logsCompletedAtUp = completed(logJob);
      // recovered: every task running and a checkpoint completed after the server came back
      cluster.await(
          job,
          "recovery after the " + service + " outage",
          s ->
              s.equals("FINISHED")
                  || cluster.allTasksRunning(job)
                      && cluster.checkpoints(job).path("counts").path("completed").asLong()
                          > completedAtUp,
          Duration.ofMinutes(3));
      awaitRecovered(
          logJob, "log job: recovery after the " + service + " outage", -1, logsCompletedAtUp);
      FIGURES.add(
          String.format(
              "outage of %s: down %.1f s, job restarts meanwhile %d, running with a new checkpoint"
                  + " %.1f s after it was back",
              service,
              (up - down) / 1e9,
              restored(job) - restoredBefore,
              (System.nanoTime() - up) / 1e9));
    }
    assertThat(cluster.awaitTerminal(job, RUN_TIMEOUT)).isEqualTo("FINISHED");
    figure("outage run: from submission to FINISHED", t0);
    assertThat(cluster.awaitTerminal(logJob, RUN_TIMEOUT)).isEqualTo("FINISHED");
    FIGURES.add("outage run: log job restores from checkpoints " + restored(logJob));

    RunOutputs after = outputs("outage", run);
    checkAgainstInput(after, bad);
    assertSameAsReference(after);
    assertSameAlertsAsReference(alerting("outage", run));
    assertSameLogsAsReference(logOutputs("outage", run));
  }

  /** The run's schema migrated and the rules seeded before the job starts (it reads them once). */
  /**
   * JobManager failover: the cluster is started again with ZooKeeper high availability (how a
   * platform team runs one), the metrics job with its alert rules is submitted, and once it has a
   * checkpoint the JobManager is SIGKILLed and started again, as a supervisor would. The new leader
   * finds the job in ZooKeeper, restores its latest checkpoint (the bounded Kafka source included:
   * {@code RestoredBoundedKafkaSource}), and the outputs are exactly the failure-free run's.
   */
  @Test
  @Order(4)
  void aJobManagerKillChangesNothingInTheOutputs() throws Exception {
    long t0 = System.nanoTime();
    cluster = cluster.restartWithHighAvailability(2);
    figure("cluster restart with high availability (ZooKeeper + JobManager + 2 TaskManagers)", t0);
    String run = prefix + "_jm";
    long submitted = System.nanoTime();
    String job = submit(run, null, topic);
    awaitRunningWithCheckpoint(job, 1);
    figure("JobManager kill run: submission to running with a first checkpoint", submitted);
    Thread.sleep(1_000 + RANDOM.nextInt(4_000));
    assertThat(cluster.state(job))
        .as("the job must still run when the JobManager is killed (input too small?)")
        .isEqualTo("RUNNING");
    long killedAt = System.nanoTime();
    cluster.killJobManager();
    cluster.startJobManager();
    double restBack = (System.nanoTime() - killedAt) / 1e9;
    // Until the new leader has recovered the job from ZooKeeper, REST does not know it (404).
    long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    String state = "";
    while (System.nanoTime() < end) {
      try {
        state = cluster.state(job);
        // the state first, then the tasks: while the recovered job is still INITIALIZING its
        // tasks may already report RUNNING, so both must say it runs
        if (state.equals("FINISHED") || (state.equals("RUNNING") && cluster.allTasksRunning(job))) {
          break;
        }
      } catch (IllegalStateException notYetRecovered) {
        state = "unknown to the new JobManager";
      }
      Thread.sleep(500);
    }
    assertThat(state).as("the job after the JobManager kill").isIn("RUNNING", "FINISHED");
    double recovered = (System.nanoTime() - killedAt) / 1e9;
    JsonNode restored = cluster.checkpoints(job).path("latest").path("restored");
    assertThat(restored.path("id").isMissingNode())
        .as("the new JobManager restored a checkpoint: " + cluster.checkpoints(job))
        .isFalse();
    FIGURES.add(
        String.format(
            "JobManager kill: SIGKILL, started again (REST answering after %.1f s) -> the job"
                + " recovered from ZooKeeper, all tasks running after %.1f s (restored checkpoint"
                + " %s)",
            restBack, recovered, restored.path("id").asText()));
    assertThat(cluster.awaitTerminal(job, RUN_TIMEOUT)).isEqualTo("FINISHED");
    figure("JobManager kill run: from submission to FINISHED", submitted);
    RunOutputs o = outputs("JobManager kill", run);
    checkAgainstInput(o, bad);
    assertSameAsReference(o);
    assertSameAlertsAsReference(alerting("JobManager kill", run));
  }

  private static void seedRules(String run) throws Exception {
    VigilConfig c =
        VigilConfig.fromMap(
            Map.of(
                "postgres.url", services.pgUrlWithSchema(run),
                "postgres.user", services.pgUser(),
                "postgres.password", services.pgPassword()),
            Map.of());
    Migrations.migrate(c);
    try (Connection db = ModelRegistry.connect(c)) {
      assertThat(RuleSeeder.seed(db, RULES)).isEqualTo(2);
    }
  }

  /**
   * What a run's alerting produced: the {@code alerts} rows (id, fingerprint, status, start, end,
   * labels; the wall-clock columns differ between runs) and the webhook deliveries per idempotency
   * key.
   */
  record Alerting(List<String> rows, Map<String, Long> deliveries) {}

  private static Alerting alerting(String name, String run) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection db =
            DriverManager.getConnection(
                services.pgUrlWithSchema(run), services.pgUser(), services.pgPassword());
        var st = db.createStatement();
        var rs =
            st.executeQuery(
                "SELECT id, fingerprint, status, starts_at, ends_at, labels::text FROM alerts"
                    + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(
            String.join(
                "|",
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                String.valueOf(rs.getTimestamp(4).getTime()),
                String.valueOf(rs.getTimestamp(5) == null ? 0 : rs.getTimestamp(5).getTime()),
                rs.getString(6)));
      }
    }
    Map<String, Long> deliveries = new TreeMap<>();
    for (HttpRecorder.Request r : http.requests("/ok/" + run)) {
      assertThat(r.path()).isEqualTo("/ok/" + run);
      String key = r.header("idempotency-key");
      assertThat(key).as(name + ": every notification has an idempotency key").isNotBlank();
      deliveries.merge(key, 1L, Long::sum);
    }
    long resent = deliveries.values().stream().mapToLong(n -> n - 1).sum();
    FIGURES.add(
        String.format(
            "%s run: %d alert rows (%d resolved), %d notifications delivered (%d keys, %d re-sent"
                + " with the same key)",
            name,
            rows.size(),
            rows.stream().filter(r -> r.contains("|resolved|")).count(),
            deliveries.values().stream().mapToLong(Long::longValue).sum(),
            deliveries.size(),
            resent));
    return new Alerting(rows, deliveries);
  }

  /**
   * The same alert rows, and every notification the reference sent delivered at least once, under
   * the same idempotency keys and no other: no transition was notified under a second key.
   */
  private static void assertSameAlertsAsReference(Alerting a) {
    assertThat(a.rows())
        .as("alerts rows vs reference")
        .containsExactlyElementsOf(referenceAlerts.rows());
    assertThat(a.deliveries().keySet())
        .as("idempotency keys delivered vs reference")
        .containsExactlyElementsOf(referenceAlerts.deliveries().keySet());
  }

  private static long restored(String job) {
    return cluster.checkpoints(job).path("counts").path("restored").asLong();
  }

  private static long completed(String job) {
    return cluster.checkpoints(job).path("counts").path("completed").asLong();
  }

  /**
   * Waits until the job has FINISHED, or runs every task after more than {@code restoredBefore}
   * restores and more than {@code completedBefore} completed checkpoints (-1: any).
   */
  private static void awaitRecovered(
      String job, String what, long restoredBefore, long completedBefore) throws Exception {
    cluster.await(
        job,
        what,
        s ->
            s.equals("FINISHED")
                || restored(job) > restoredBefore
                    && completed(job) > completedBefore
                    && cluster.allTasksRunning(job),
        Duration.ofMinutes(3));
  }

  // ------------------------------------------------------------------------------------------
  // The log job

  private static String submitLogs(String run, String savepoint) throws Exception {
    return submitLogs(run, savepoint, Map.of());
  }

  private static String submitLogs(String run, String savepoint, Map<String, String> overrides)
      throws Exception {
    Map<String, String> conf = sharedConf(run);
    conf.put("kafka.logs-topic", logsTopic);
    conf.put("kafka.logs-dlq-topic", run + ".logs.dlq");
    conf.put("kafka.logs-group-id", run + "-logs");
    conf.put("kafka.transactional-id-prefix", run + "-logs");
    conf.put("logs.raw-format", LogsWorkload.RAW_FORMAT);
    // The alert rows compared between runs are the metrics job's; the log job's alerting (same
    // rules, its own anomalies) is covered by LogSilenceITCase.
    conf.put("alerting.enabled", "false");
    conf.putAll(overrides);
    return cluster.submit(
        jar(),
        LogAnomalyJob.class.getName(),
        2,
        savepoint,
        args(conf),
        Map.of("VIGIL_PG_PASSWORD", services.pgPassword()));
  }

  private static LogRunOutputs logOutputs(String name, String run) throws Exception {
    LogRunOutputs o =
        LogRunOutputs.read(
            name, run, services, run + ".logs.dlq", logsBad.size(), run + ".error-groups");
    FIGURES.add(
        String.format(
            "%s run, logs: %d templates, %d error groups (%d published to Kafka), %d feature"
                + " windows, %d log anomalies, %d dead letters",
            name,
            o.templates().size(),
            o.errorGroups().size(),
            o.publishedErrorGroups().size(),
            o.featureWindows().size(),
            o.anomalies().size(),
            o.deadLetters().size()));
    return o;
  }

  /**
   * What the log input alone dictates: a miner fed each service's lines gives the live templates
   * and their counts, every minute of every service has its window with its line count, every error
   * burst is found, and every malformed record is one dead letter.
   */
  private static void checkLogsAgainstInput(LogRunOutputs o) throws Exception {
    assertThat(o.liveTemplateCounts())
        .as(o.name() + ": live templates and their line counts")
        .isEqualTo(logsExpected.templates());
    assertThat(o.eventsPerMinute(logs.base()))
        .as(o.name() + ": lines per feature window")
        .isEqualTo(logsExpected.perMinute());
    List<String> found = o.anomalyMinutes(logs.base());
    for (String burst : logs.bursts()) {
      String scope = burst.substring(0, burst.indexOf('@'));
      int from = Integer.parseInt(burst.substring(burst.indexOf('@') + 1));
      assertThat(found)
          .as(o.name() + ": the error burst of " + burst)
          .anyMatch(
              f -> {
                int m = Integer.parseInt(f.substring(f.indexOf('@') + 1));
                return f.startsWith(scope + "@")
                    && m >= from
                    && m < from + LogsWorkload.BURST_MINUTES;
              });
    }
    assertThat(o.errorGroups())
        .as(o.name() + ": an error group for every burst")
        .filteredOn(g -> g.contains(LogsWorkload.BURST_ERROR))
        .hasSize(logs.bursts().size());
    // the error-groups topic is the table's changelog, exactly once across kills and restores
    assertThat(o.publishedErrorGroups())
        .as(o.name() + ": error groups published to Kafka")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(o.errorGroupFigures());
    Set<String> wanted = new HashSet<>();
    logsBad.forEach(b -> wanted.add(b.partition() + ":" + b.offset()));
    assertThat(wanted).hasSize(logsBad.size());
    assertThat(o.deadLetters().stream().map(d -> d.partition() + ":" + d.offset()).toList())
        .as(o.name() + ": log dead letters")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(wanted);
  }

  private static void assertSameLogsAsReference(LogRunOutputs o) throws Exception {
    checkLogsAgainstInput(o);
    Map<String, List<List<?>>> tables = new LinkedHashMap<>();
    tables.put("log_templates", List.of(o.templates(), logsReference.templates()));
    tables.put("error_groups", List.of(o.errorGroups(), logsReference.errorGroups()));
    tables.put("feature_windows", List.of(o.featureWindows(), logsReference.featureWindows()));
    tables.put("log anomalies", List.of(o.anomalies(), logsReference.anomalies()));
    tables.put("log dead letters", List.of(o.deadLetters(), logsReference.deadLetters()));
    tables.forEach(
        (table, runAndReference) ->
            assertThat(List.<Object>copyOf(runAndReference.get(0)))
                .as(o.name() + " vs reference: " + table)
                .containsExactlyElementsOf(List.<Object>copyOf(runAndReference.get(1))));
  }

  /**
   * What both jobs of a run share: the servers, the run's schema, bounded input from the start,
   * event time and checkpoints. Watermarks are per partition (two per source subtask); within a
   * partition the input is less than an hour out of order, and a restart must not make a partition
   * look idle (points of an idle partition can turn late).
   */
  private static Map<String, String> sharedConf(String run) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap-servers", services.kafkaBootstrap());
    conf.put("kafka.starting-offsets", "earliest");
    conf.put("kafka.bounded", "true");
    conf.put("postgres.url", services.pgUrlWithSchema(run));
    conf.put("postgres.user", services.pgUser());
    conf.put("postgres.migrate-on-start", "true");
    conf.put("event-time.max-out-of-orderness", "2h");
    conf.put("event-time.idleness", "10m");
    conf.put("job.checkpoint-interval", "1s");
    conf.put("job.parallelism", "2");
    conf.put("kafka.anomalies-topic", run + ".anomalies");
    conf.put("kafka.error-groups-topic", run + ".error-groups");
    return conf;
  }

  private static List<String> args(Map<String, String> conf) {
    List<String> args = new ArrayList<>();
    conf.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
    return args;
  }

  private static Path jar() {
    Path jar = LocalServices.repositoryRoot().resolve("jobs/target/vigil-jobs.jar");
    assertThat(Files.exists(jar)).as(jar + " (mvn package builds it)").isTrue();
    return jar;
  }

  // ------------------------------------------------------------------------------------------

  private static String submit(String run, String savepoint, String input) throws Exception {
    return submit(run, savepoint, input, Map.of());
  }

  private static String submit(
      String run, String savepoint, String input, Map<String, String> overrides) throws Exception {
    if (savepoint == null) {
      seedRules(run); // a resumed job keeps the rules it read (broadcast state in the savepoint)
    }
    Path channels = Files.createTempFile(run, "-channels.yaml");
    Files.writeString(
        channels,
        "channels:\n  - {name: hook, type: webhook, url: \""
            + http.url("/ok/" + run)
            + "\", secret_env: VIGIL_E2E_WEBHOOK_SECRET}\n");
    Map<String, String> conf = sharedConf(run);
    conf.put("alerting.channels-file", channels.toString());
    conf.put("kafka.alerts-topic", run + ".alerts");
    conf.put("kafka.metrics-topic", input);
    conf.put("input.tenants", "tenant-0,tenant-1,tenant-2,tenant-3,tenant-4");
    conf.put("kafka.metrics-dlq-topic", run + ".dlq");
    conf.put("kafka.group-id", run);
    // no feedback input: its bounded, empty source would finish at once, and the kill schedule
    // waits until every task of the job runs
    conf.put("kafka.feedback-topic", "");
    conf.put("kafka.transactional-id-prefix", run);
    conf.put("influxdb.url", services.influxUrl());
    conf.put("influxdb.database", run);
    conf.putAll(overrides);
    return cluster.submit(
        jar(),
        MAIN,
        2,
        savepoint,
        args(conf),
        Map.of(
            "VIGIL_PG_PASSWORD",
            services.pgPassword(),
            "VIGIL_E2E_WEBHOOK_SECRET",
            WEBHOOK_SECRET));
  }

  private static void awaitRunningWithCheckpoint(String job, long checkpoints) throws Exception {
    cluster.await(
        job,
        "running tasks and a completed checkpoint",
        s ->
            cluster.allTasksRunning(job)
                && cluster.checkpoints(job).path("counts").path("completed").asLong()
                    >= checkpoints,
        Duration.ofMinutes(3));
  }

  private static RunOutputs outputs(String name, String run) throws Exception {
    return outputs(name, run, bad.size());
  }

  private static RunOutputs outputs(String name, String run, int deadLetters) throws Exception {
    long t0 = System.nanoTime();
    RunOutputs o = RunOutputs.read(name, run, services, run + ".dlq", deadLetters);
    figure(name + " run: reading its outputs", t0);
    FIGURES.add(
        String.format(
            "%s run: %d anomaly rows (%d published to Kafka), %d InfluxDB series / %d points, %d"
                + " dead letters",
            name,
            o.anomalies().size(),
            o.published().size(),
            o.influx().size(),
            o.influx().values().stream().mapToLong(RunOutputs.SeriesAggregate::count).sum(),
            o.deadLetters().size()));
    return o;
  }

  /** What the input alone dictates: the detector's scores and anomalies, one dead letter each. */
  private static void checkAgainstInput(RunOutputs o, List<MetricsWorkload.BadRecord> bad) {
    // anomaly rows: one per id; score anomalies exactly the detector's; one dropout per silence
    assertThat(o.anomalies().stream().map(RunOutputs.AnomalyRow::id).distinct().count())
        .isEqualTo(o.anomalies().size());
    // the anomalies topic: each anomaly once (exactly-once transactions across the kills)
    assertThat(o.published())
        .as(o.name() + ": anomalies published to Kafka")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            o.anomalies().stream().map(RunOutputs.AnomalyRow::id).toList());
    Set<String> scored =
        o.anomalies().stream()
            .filter(a -> !"dropout".equals(a.component()))
            .map(RunOutputs.AnomalyRow::seriesAt)
            .collect(Collectors.toSet());
    assertThat(scored)
        .as(o.name() + ": score anomalies")
        .containsExactlyInAnyOrderElementsOf(expected.anomalies());
    assertThat(o.anomalies().size() - scored.size())
        .as(o.name() + ": score anomaly rows are unique per series and time")
        .isEqualTo(o.anomalies().stream().filter(a -> "dropout".equals(a.component())).count());
    assertThat(
            o.anomalies().stream()
                .filter(a -> "dropout".equals(a.component()))
                .map(RunOutputs.AnomalyRow::series)
                .collect(Collectors.toList()))
        .as(o.name() + ": one dropout per silenced series")
        .containsExactlyInAnyOrderElementsOf(expected.gaps());

    // InfluxDB: every point once (count), with the detector's score (sum, and all of some series)
    assertThat(o.influx().keySet()).containsExactlyInAnyOrderElementsOf(expected.scores().keySet());
    for (Map.Entry<String, double[]> e : expected.scores().entrySet()) {
      RunOutputs.SeriesAggregate a = o.influx().get(e.getKey());
      double sum = 0;
      for (double s : e.getValue()) {
        sum += s;
      }
      assertThat(a.count())
          .as(o.name() + ": points of " + e.getKey())
          .isEqualTo(e.getValue().length);
      assertThat(a.scoreSum())
          .as(o.name() + ": score sum of " + e.getKey())
          .isCloseTo(sum, within(1e-9 * (1 + sum)));
    }
    for (int s = 3; s < SERIES; s += 20 * 7) {
      MetricPoint t = workload.template(s);
      List<Double> expectedScores = new ArrayList<>();
      for (double d : expected.scores().get(workload.points(s).get(0).series())) {
        expectedScores.add(d);
      }
      assertThat(RunOutputs.scores(services, o.database(), t))
          .as(o.name() + ": every score of spiked series " + s)
          .containsExactlyElementsOf(expectedScores);
    }

    // dead letters: exactly the malformed records, each once
    Set<String> wanted = new HashSet<>();
    bad.forEach(b -> wanted.add(b.partition() + ":" + b.offset()));
    assertThat(wanted).as("distinct coordinates").hasSize(bad.size());
    List<String> got = o.deadLetters().stream().map(d -> d.partition() + ":" + d.offset()).toList();
    assertThat(got)
        .as(o.name() + ": dead letters")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(wanted);
  }

  /** Byte for byte the reference's rows, aggregates and dead letters. */
  private static void assertSameAsReference(RunOutputs o) {
    assertThat(o.anomalies())
        .as(o.name() + " vs reference: anomaly rows")
        .containsExactlyElementsOf(reference.anomalies());
    assertThat(o.influx())
        .as(o.name() + " vs reference: InfluxDB series")
        .containsExactlyInAnyOrderEntriesOf(reference.influx());
    assertThat(o.deadLetters())
        .as(o.name() + " vs reference: dead letters")
        .containsExactlyElementsOf(reference.deadLetters());
  }

  private static void figure(String what, long startNanos) {
    FIGURES.add(String.format("%s: %.1f s", what, (System.nanoTime() - startNanos) / 1e9));
  }
}
