package io.vigil.jobs.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.backtest.BacktestCommand;
import io.vigil.common.detect.Detectors;
import io.vigil.jobs.alerts.RuleSeeder;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.testing.LocalServices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's quality metrics and the audit log against the real PostgreSQL: a backtest's
 * summary ({@code vigil backtest --labels}) recorded per data set, kept when the job later runs
 * that version, listed with the on-call precision; seeding rules and recording backtests audited.
 */
class ModelRegistryITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void backtestsAreRecordedPerDataSetKeptInProductionAndAudited() throws Exception {
    LocalServices s = LocalServices.get();
    String schema = "models" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    VigilConfig config =
        VigilConfig.fromMap(
            Map.of(
                "postgres.url", s.pgUrlWithSchema(schema),
                "postgres.user", s.pgUser(),
                "postgres.password", s.pgPassword()),
            Map.of());
    Migrations.migrate(config);
    JsonNode summary = ModelsCommand.readSummary(backtest());
    String version = summary.get("version").asText();
    double score = summary.at("/nab/standard/score").asDouble();

    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement()) {
      assertThat(ModelRegistry.recordBacktest(c, summary, "ci:nightly")).isEqualTo("evaluating");
      ObjectNode other = summary.deepCopy();
      other.put("dataset", "synthetic");
      ((ObjectNode) other.at("/nab/standard")).put("score", 12.5);
      ModelRegistry.recordBacktest(c, other, "ci:nightly");

      // the job starts running that version: production, its backtests kept
      ModelRegistry.register(config, Detectors.factory("ensemble", Map.of()));
      JsonNode metrics = metrics(st, version);
      assertThat(text(st, "SELECT status FROM ml_models WHERE version = '" + version + "'"))
          .isEqualTo("production");
      assertThat(metrics.at("/backtests/nab-like/nab/standard/score").asDouble()).isEqualTo(score);
      assertThat(metrics.at("/backtests/synthetic/nab/standard/score").asDouble()).isEqualTo(12.5);

      // a new run on the same data set replaces that one only
      ((ObjectNode) other.at("/nab/standard")).put("score", 13.0);
      assertThat(ModelRegistry.recordBacktest(c, other, "ci:nightly")).isEqualTo("production");
      metrics = metrics(st, version);
      assertThat(metrics.at("/backtests/synthetic/nab/standard/score").asDouble()).isEqualTo(13.0);
      assertThat(metrics.path("backtests").size()).isEqualTo(2);
      assertThat(
              text(
                  st,
                  "SELECT hyperparameters->>'levelAlpha' FROM ml_models WHERE version = '"
                      + version
                      + "'"))
          .isEqualTo(summary.at("/hyperparameters/levelAlpha").asText());

      // listed with its scores and, once on-call engineers judged an anomaly, its precision
      st.execute(
          "INSERT INTO anomalies (id, tenant, source, metric, series, score, severity, explanation,"
              + " detected_at, model_id) VALUES ('"
              + UUID.randomUUID()
              + "', 'acme', 'web', 'cpu', 'acme/web/cpu', 0.9, 'high', '{}', now(), (SELECT id FROM"
              + " ml_models WHERE version = '"
              + version
              + "'))");
      st.execute(
          "INSERT INTO feedback (anomaly_id, is_true_positive, created_at) SELECT id, false,"
              + " now() - interval '1 hour' FROM anomalies UNION ALL SELECT id, true, now() FROM"
              + " anomalies");
      List<String> lines = new ArrayList<>();
      ModelsCommand.list(c).forEach(lines::add);
      assertThat(lines)
          .anyMatch(
              l ->
                  l.startsWith("vigil-ensemble " + version + "  production")
                      && l.contains("NAB nab-like: " + summary.at("/nab/standard/score").asText())
                      && l.contains("NAB synthetic: 13.0")
                      && l.endsWith("feedback: 1 of 1 confirmed (precision 100.0%)"));

      // seeding rules is audited with the file and the rules' names, in the same transaction
      RuleSeeder.seedAudited(
          c,
          "rules.yaml",
          "- {name: cpu high, tenant: acme, condition: {kind: threshold, op: gt, value: 90}}\n",
          "alice");
      List<String> audit = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT actor || ' ' || action || ' ' || resource_id || ' ' || details::text"
                  + " FROM audit_log ORDER BY created_at, action")) {
        while (rs.next()) {
          audit.add(rs.getString(1));
        }
      }
      assertThat(audit).hasSize(4);
      assertThat(audit.subList(0, 3))
          .allMatch(a -> a.startsWith("ci:nightly model.backtest vigil-ensemble " + version));
      assertThat(audit.get(3))
          .startsWith("alice rules.seed rules.yaml ")
          .contains("\"rules\": [\"cpu high\"]");
    }
  }

  @Test
  void aSummaryWithoutScoresOrIdentityIsRefusedWithWhatToDo() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"algorithm\": \"vigil-ensemble\", \"version\": \"7\"}");
    assertThatThrownBy(() -> ModelsCommand.readSummary(file))
        .hasMessage("field 'dataset' must be a non-empty string");
    Files.writeString(
        file, "{\"algorithm\": \"vigil-ensemble\", \"version\": \"7\", \"dataset\": \"d\"}");
    assertThatThrownBy(() -> ModelsCommand.readSummary(file))
        .hasMessageContaining("run vigil backtest with --labels");
    Files.writeString(file, "[1");
    assertThatThrownBy(() -> ModelsCommand.readSummary(file)).hasMessageStartingWith("not JSON");
    assertThat(AuditLog.actor(Map.of("VIGIL_ACTOR", " ci:deploy "))).isEqualTo("ci:deploy");
    assertThat(AuditLog.actor(Map.of())).startsWith("os:");
  }

  /** A labelled backtest over a small generated data set; returns its summary file. */
  private Path backtest() throws Exception {
    Path data = dir.resolve("data/cat");
    Files.createDirectories(data);
    List<String> lines = new ArrayList<>(List.of("timestamp,value"));
    for (int i = 0; i < 2000; i++) {
      double v = 10 + Math.sin(i * 0.7) + (i == 1500 ? 40 : 0);
      lines.add(
          String.format("2014-04-%02d %02d:%02d:00,%s", 1 + i / 1440, i / 60 % 24, i % 60, v));
    }
    Files.write(data.resolve("s.csv"), lines);
    Path labels = dir.resolve("labels.json");
    Files.writeString(
        labels, "{\"cat/s.csv\": [[\"2014-04-02 00:50:00.000000\", \"2014-04-02 01:30:00\"]]}");
    int code =
        BacktestCommand.run(
            new String[] {
              "--data",
              dir.resolve("data").toString(),
              "--out",
              dir.resolve("out").toString(),
              "--labels",
              labels.toString(),
              "--dataset",
              "nab-like"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    return dir.resolve("out/vigil_summary.json");
  }

  private static JsonNode metrics(Statement st, String version) throws Exception {
    return JSON.readTree(
        text(st, "SELECT metrics::text FROM ml_models WHERE version = '" + version + "'"));
  }

  private static String text(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getString(1);
    }
  }
}
