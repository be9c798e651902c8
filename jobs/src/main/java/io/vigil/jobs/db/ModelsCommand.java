package io.vigil.jobs.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code vigil models}: the detector registry ({@code ml_models}).
 *
 * <ul>
 *   <li>{@code record SUMMARY.json}: stores what {@code vigil backtest --labels} measured (its
 *       {@code <NAME>_summary.json}) in the model's {@code metrics}, under {@code backtests.<data
 *       set>}; a model no job runs yet is registered as {@code evaluating}. Audited.
 *   <li>{@code list}: every model with its status, its backtests' standard NAB scores and its
 *       precision from on-call feedback.
 * </ul>
 */
public final class ModelsCommand {
  static final String USAGE =
      "usage: vigil models record SUMMARY.json [--config vigil.yaml] [--key value ...]\n"
          + "       vigil models list [--config vigil.yaml] [--key value ...]";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelsCommand() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("record") || args[0].equals("list"))) {
      System.err.println(USAGE);
      System.exit(2);
    }
    boolean record = args[0].equals("record");
    if (record && (args.length < 2 || args[1].startsWith("-"))) {
      System.err.println(USAGE);
      System.exit(2);
    }
    JsonNode summary = null;
    if (record) {
      try {
        summary = readSummary(Path.of(args[1]));
      } catch (IllegalArgumentException | IOException e) {
        System.err.println("vigil models record: " + args[1] + ": " + e.getMessage());
        System.exit(2);
      }
    }
    VigilConfig config = Cli.configOrExit(Arrays.copyOfRange(args, record ? 2 : 1, args.length));
    if (config.get(VigilOptions.PG_MIGRATE)) {
      Migrations.migrate(config);
    }
    try (Connection c = ModelRegistry.connect(config)) {
      if (record) {
        String status = ModelRegistry.recordBacktest(c, summary, AuditLog.actor(System.getenv()));
        System.out.printf(
            "vigil models: %s %s (%s): backtest on %s recorded, standard NAB %s%n",
            summary.get("algorithm").asText(),
            summary.get("version").asText(),
            status,
            summary.get("dataset").asText(),
            summary.at("/nab/standard/score").asText("-"));
      } else {
        list(c).forEach(System.out::println);
      }
    } catch (SQLException e) {
      System.err.println(
          "vigil models: PostgreSQL at " + config.get(VigilOptions.PG_URL) + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /** Reads and checks a backtest summary. */
  static JsonNode readSummary(Path file) throws IOException {
    JsonNode n;
    try {
      n = JSON.readTree(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    return ModelRegistry.checkSummary(n);
  }

  /** One line per model, newest first. */
  static List<String> list(Connection c) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT m.algorithm, m.version, m.status, m.trained_at, m.metrics->'backtests',"
                    + " v.judged, v.confirmed FROM ml_models m"
                    + " CROSS JOIN LATERAL (SELECT count(*) AS judged,"
                    + "   count(*) FILTER (WHERE l.is_true_positive) AS confirmed"
                    + "   FROM (SELECT DISTINCT ON (f.anomaly_id) f.is_true_positive"
                    + "     FROM feedback f JOIN anomalies a ON a.id = f.anomaly_id"
                    + "     WHERE a.model_id = m.id ORDER BY f.anomaly_id, f.created_at DESC) l) v"
                    + " ORDER BY m.trained_at DESC, m.algorithm, m.version")) {
      while (rs.next()) {
        StringBuilder s =
            new StringBuilder()
                .append(rs.getString(1))
                .append(' ')
                .append(rs.getString(2))
                .append("  ")
                .append(rs.getString(3))
                .append("  since ")
                .append(rs.getTimestamp(4).toInstant());
        String backtests = rs.getString(5);
        if (backtests != null) {
          try {
            Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(backtests).fields();
            while (it.hasNext()) {
              var e = it.next();
              s.append("  NAB ")
                  .append(e.getKey())
                  .append(": ")
                  .append(e.getValue().at("/nab/standard/score").asText("-"));
            }
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            s.append("  (unreadable backtests)");
          }
        }
        long judged = rs.getLong(6);
        if (judged > 0) {
          s.append(
              String.format(
                  java.util.Locale.ROOT,
                  "  feedback: %d of %d confirmed (precision %.1f%%)",
                  rs.getLong(7),
                  judged,
                  100.0 * rs.getLong(7) / judged));
        }
        lines.add(s.toString());
      }
    }
    return lines;
  }
}
