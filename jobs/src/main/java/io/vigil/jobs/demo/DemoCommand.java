package io.vigil.jobs.demo;

import io.vigil.common.model.Anomaly;
import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.logs.LogAnomalyJob;
import io.vigil.jobs.metrics.MetricsAnomalyJob;
import io.vigil.jobs.sink.AnomalyPostgresSink;
import io.vigil.jobs.sink.InfluxDbSink;
import io.vigil.jobs.sink.InfluxSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * {@code vigil demo}: runs the metrics job and the log job on an embedded Flink MiniCluster over a
 * built-in scenario with injected incidents, writing to a real PostgreSQL (and InfluxDB when
 * configured), then says what it found, which incidents it caught and missed, and how to query the
 * results.
 */
public final class DemoCommand {
  private DemoCommand() {}

  public static void main(String[] args) throws Exception {
    int days = 5;
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    int i = rest.indexOf("--days");
    if (i >= 0 && i + 1 < rest.size()) {
      days = Integer.parseInt(rest.remove(i + 1));
      rest.remove(i);
    }
    rest.addAll(List.of("--postgres.migrate-on-start", "true"));
    VigilConfig config = Cli.configOrExit(rest.toArray(String[]::new));
    // Whole UTC days ending at the last midnight: every run replays the same data.
    long day = 24 * 3_600_000L;
    long start = (System.currentTimeMillis() / day) * day - days * day;
    DemoScenario scenario = new DemoScenario(start, days);

    System.out.printf(
        "Vigil demo: %d series (%s), one point a minute for %d days = %,d points; detector %s%n",
        scenario.seriesCount(),
        String.join(", ", DemoScenario.SERVICES),
        days,
        scenario.records() * scenario.seriesCount(),
        MetricsAnomalyJob.detector(config).algorithm());
    DemoLogScenario logs = new DemoLogScenario(scenario.end(), 6);
    System.out.printf(
        "  and the log job over %d hours of %s logs (%,d messages), an error burst in %s%n",
        6,
        String.join(", ", DemoLogScenario.SERVICES),
        logs.records(),
        DemoLogScenario.BURST_SERVICE);
    MetricsAnomalyJob.prepareDatabase(config);
    DemoAlerting.seedRules(config);
    LogAnomalyJob.prepareDatabase(config);
    try (Connection c = ModelRegistry.connect(config)) {
      for (String table :
          List.of("anomalies", "feature_windows", "log_templates", "error_groups")) {
        try (PreparedStatement st =
            c.prepareStatement("DELETE FROM " + table + " WHERE tenant = ?")) {
          st.setString(1, DemoScenario.TENANT);
          st.executeUpdate();
        }
      }
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    env.setParallelism(1);
    InfluxSettings influx = InfluxSettings.from(config);
    Sink<io.vigil.common.model.ScoredPoint> points =
        influx.url().isEmpty() ? new DiscardingSink<>() : new InfluxDbSink(influx);
    Sink<Anomaly> anomalies = AnomalyPostgresSink.create(config);
    MetricsAnomalyJob.Outputs outputs =
        MetricsAnomalyJob.buildPipeline(
            env,
            new MetricsAnomalyJob.Sources(DemoSource.create(scenario), null),
            new MetricsAnomalyJob.Sinks(points, anomalies, new DeadLetterPrintSink(), null),
            config);
    var logWindows =
        LogAnomalyJob.buildPipeline(
            env,
            DemoLogSource.create(logs),
            LogAnomalyJob.Sinks.postgres(config, new DeadLetterPrintSink()),
            config);
    // one alerting pipeline for both: the metric anomalies and the log anomalies
    DemoAlerting.wire(
        env,
        outputs.points(),
        outputs.anomalies().union(LogAnomalyJob.anomalies(logWindows)),
        config);

    long t0 = System.nanoTime();
    JobClient job = env.executeAsync("Vigil demo");
    var result = job.getJobExecutionResult();
    while (!result.isDone()) {
      try {
        result.get(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException stillRunning) {
        System.out.printf(
            "  ... %4.0f s, %d anomalies in PostgreSQL so far%n",
            (System.nanoTime() - t0) / 1e9, DemoReport.count(config));
      }
    }
    result.get();
    System.out.printf("Job finished in %.1f s.%n%n", (System.nanoTime() - t0) / 1e9);
    DemoReport.print(config, scenario);
    DemoReport.printAlerts(config);
    DemoReport.printLogs(config, logs);
    if (!influx.url().isEmpty()) {
      System.out.printf(
          "Every point's score is in InfluxDB %s, database %s: SELECT value, anomaly_score FROM data_points"
              + " WHERE source_id = 'checkout' AND metric_name = 'latency_ms'%n",
          influx.url(), config.get(VigilOptions.INFLUX_DB));
    }
  }
}
