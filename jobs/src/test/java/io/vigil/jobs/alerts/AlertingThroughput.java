package io.vigil.jobs.alerts;

import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.alerts.sink.AlertsJdbcSink;
import io.vigil.jobs.alerts.source.ControlPlanePoller;
import io.vigil.jobs.testing.LocalServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.flywaydb.core.Flyway;

/**
 * Benchmark (prints figures, asserts nothing): how fast the alerting pipeline takes metric points
 * when one rule selects every series (a threshold, "cpu above 90 for 3 minutes"; {@code outage},
 * the same with every series breaching for 100 minutes; with {@code absence} a deadman, "no cpu
 * data for 10 minutes"; with {@code flapping}, "cpu toggling around 90 more than 4 times in 10
 * minutes"), on a local environment with parallelism 2 and the given state backend, against the
 * real PostgreSQL (rules in, alert rows out). Each series breaches for 5 minutes every 200 minutes.
 * Prints the points per second and the alert rows written, so two builds can be compared on the
 * same input.
 *
 * <p>{@code scripts/alerting-bench.sh [SERIES] [MINUTES] [hashmap|rocksdb]
 * [threshold|outage|absence|flapping]}; {@code -Dconf="key=value;key=value"} adds Flink settings
 * (for example {@code state.backend.rocksdb.writebuffer.size=4mb}).
 */
public final class AlertingThroughput {
  private AlertingThroughput() {}

  static final long BASE = 1_767_571_200_000L; // 2026-01-05T00:00:00Z

  static final String THRESHOLD =
      """
      rules:
        - name: cpu above 90 for 3 minutes
          tenant: acme
          scope: {metric: cpu}
          condition: {kind: threshold, op: gt, value: 90}
          for: 3m
          severity: high
          auto_resolve: 5m
      """;

  /** A deadman over every series: each point is an event for the absence function. */
  static final String ABSENCE =
      """
      rules:
        - name: no cpu data for 10 minutes
          tenant: acme
          scope: {metric: cpu}
          condition: {kind: absence, window: 10m}
          severity: high
      """;

  /**
   * A flapping rule over every series: each point is an event for the flapping pattern, and the
   * series of {@link #point} toggle 6 times in 6 minutes once every 400 minutes.
   */
  static final String FLAPPING =
      """
      rules:
        - name: cpu flapping around 90
          tenant: acme
          scope: {metric: cpu}
          condition: {kind: flapping, op: gt, value: 90, toggles: 4, window: 10m}
          severity: high
          auto_resolve: 5m
      """;

  static final long MINUTE = 60_000;

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    if (series % 2 != 0) {
      throw new IllegalArgumentException("SERIES must be even (two source splits)");
    }
    int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    String backend = args.length > 2 ? args[2] : "rocksdb";
    String kind = args.length > 3 ? args[3] : "threshold";
    LocalServices s = LocalServices.get();
    String schema = "bench_" + Long.toHexString(System.nanoTime());
    String url = s.pgUrlWithSchema(schema);
    Flyway.configure(AlertingThroughput.class.getClassLoader())
        .dataSource(url, s.pgUser(), s.pgPassword())
        .schemas(schema)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, s.pgUser(), s.pgPassword())) {
      RuleSeeder.seed(
          c,
          switch (kind) {
            case "absence" -> ABSENCE;
            case "flapping" -> FLAPPING;
            case "threshold", "outage" -> THRESHOLD;
            default ->
                throw new IllegalArgumentException("kind: threshold, outage, absence or flapping");
          });
    }
    Configuration conf = new Configuration();
    conf.setString("state.backend.type", backend);
    for (String kv : System.getProperty("conf", "").split(";")) {
      if (kv.contains("=")) {
        conf.setString(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    long total = (long) series * minutes;
    boolean flaps = "flapping".equals(kind);
    boolean outage = "outage".equals(kind);
    DataGeneratorSource<MetricPoint> gen =
        new DataGeneratorSource<>(
            i -> {
              // Two source splits of contiguous index ranges: each sends half of the series,
              // minute by minute, so every series arrives in time order as from Kafka.
              long half = total / 2;
              int split = (int) (i / half);
              long j = i - split * half;
              return point(
                  split * (series / 2) + (int) (j % (series / 2)), j / (series / 2), flaps, outage);
            },
            total,
            RateLimiterStrategy.noOp(),
            TypeInformation.of(MetricPoint.class));
    DataStream<MetricPoint> points =
        env.fromSource(
                gen,
                WatermarkStrategy.<MetricPoint>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                    .withTimestampAssigner((p, ts) -> p.timestamp()),
                "points")
            .setParallelism(2);
    DataStream<Anomaly> anomalies =
        env.fromSource(
            new DataGeneratorSource<>(
                i -> (Anomaly) null,
                0,
                RateLimiterStrategy.noOp(),
                TypeInformation.of(Anomaly.class)),
            WatermarkStrategy.noWatermarks(),
            "no anomalies");
    AlertingConfig config =
        AlertingConfig.defaults(s.kafkaBootstrap(), url, s.pgUser(), s.pgPassword());
    AlertingPipeline.build(
        env,
        points,
        anomalies,
        config,
        new ControlPlanePoller(url, s.pgUser(), s.pgPassword()),
        true,
        new AlertingSinks(null, AlertsJdbcSink.create(url, s.pgUser(), s.pgPassword()), null));
    long t0 = System.nanoTime();
    env.execute("alerting throughput");
    double secs = (System.nanoTime() - t0) / 1e9;
    Map<String, Integer> rows = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(url, s.pgUser(), s.pgPassword());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT status, count(*) FROM alerts GROUP BY status")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getInt(2));
      }
    }
    System.out.printf(
        "alerting throughput (%s rule): %d series x %d minutes = %d points, %s state: %.1f s,"
            + " %.0f points/s; alert rows %s%n",
        kind, series, minutes, total, backend, secs, total / secs, rows);
  }

  /**
   * Series i at minute m: ~50, and 95 for minutes [k, k + 5) of every 200, k from the series; with
   * {@code flaps}, in minutes [k + 100, k + 106) of every 400 it also alternates between the two;
   * with {@code outage}, every series breaches in minutes [200, 300).
   */
  static MetricPoint point(int i, long m, boolean flaps, boolean outage) {
    Random r = new Random(i * 1_000_003L + m);
    long phase = (m + i * 37L) % 400;
    boolean breach =
        phase % 200 < 5
            || (flaps && phase >= 100 && phase < 106 && phase % 2 == 0)
            || (outage && m >= 200 && m < 300);
    double v = breach ? 95 + r.nextDouble() : 50 + 5 * r.nextGaussian();
    return new MetricPoint(
        "acme", "svc-" + (i % 10), "cpu", Map.of("host", "h" + i), BASE + m * MINUTE, v);
  }
}
