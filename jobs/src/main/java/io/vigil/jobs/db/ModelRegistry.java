package io.vigil.jobs.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.detect.AnomalyBuilder;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Records the detector a job runs in {@code ml_models}, so every anomaly can name its model. */
public final class ModelRegistry {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ModelRegistry() {}

  /** Upserts the model row (idempotent) and returns its id. */
  public static UUID register(VigilConfig config, DetectorFactory factory) throws SQLException {
    return register(config, factory.algorithm(), factory.version(), factory.hyperparameters());
  }

  /** Upserts a model that is not a per-series detector (the log window scorer). */
  public static UUID register(
      VigilConfig config, String algorithm, String version, Object hyperparameters)
      throws SQLException {
    UUID id = AnomalyBuilder.modelId(algorithm, version);
    String sql =
        "INSERT INTO ml_models (id, algorithm, version, hyperparameters, status)"
            + " VALUES (?::uuid, ?, ?, ?::jsonb, 'production')"
            + " ON CONFLICT (algorithm, version) DO UPDATE SET status = 'production'";
    try (Connection c = connect(config);
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, id.toString());
      st.setString(2, algorithm);
      st.setString(3, version);
      st.setString(4, MAPPER.writeValueAsString(hyperparameters));
      st.executeUpdate();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("hyperparameters must be JSON-serializable", e);
    }
    return id;
  }

  /**
   * Stores a backtest summary ({@code vigil backtest --labels}: algorithm, version,
   * hyperparameters, dataset, nab) under {@code metrics.backtests.<dataset>} of its model,
   * replacing an earlier one of the same data set and keeping the others; a model not registered
   * yet is added as {@code evaluating}. Audited. Returns the model's status.
   */
  public static String recordBacktest(Connection c, JsonNode summary, String actor)
      throws SQLException {
    checkSummary(summary);
    String algorithm = summary.get("algorithm").asText();
    String version = summary.get("version").asText();
    String dataset = summary.get("dataset").asText();
    UUID id = AnomalyBuilder.modelId(algorithm, version);
    String sql =
        "INSERT INTO ml_models (id, algorithm, version, hyperparameters, metrics, status)"
            + " VALUES (?::uuid, ?, ?, ?::jsonb,"
            + " jsonb_build_object('backtests', jsonb_build_object(?::text, ?::jsonb)),"
            + " 'evaluating')"
            + " ON CONFLICT (algorithm, version) DO UPDATE SET metrics = ml_models.metrics"
            + " || jsonb_build_object('backtests', coalesce(ml_models.metrics->'backtests',"
            + " '{}'::jsonb) || jsonb_build_object(?::text, ?::jsonb))"
            + " RETURNING status";
    String status;
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement st = c.prepareStatement(sql)) {
      String json = summary.toString();
      st.setString(1, id.toString());
      st.setString(2, algorithm);
      st.setString(3, version);
      st.setString(4, summary.path("hyperparameters").toString());
      st.setString(5, dataset);
      st.setString(6, json);
      st.setString(7, dataset);
      st.setString(8, json);
      try (var rs = st.executeQuery()) {
        rs.next();
        status = rs.getString(1);
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("dataset", dataset);
      details.put("files", summary.path("files").asInt());
      details.put("nab_standard", summary.at("/nab/standard/score").asDouble());
      AuditLog.write(c, actor, "model.backtest", "ml_models", algorithm + " " + version, details);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
    return status;
  }

  /** The summary if it has what {@link #recordBacktest} needs; otherwise says what is missing. */
  public static JsonNode checkSummary(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("expected the JSON object vigil backtest wrote");
    }
    for (String field : new String[] {"algorithm", "version", "dataset"}) {
      if (!n.path(field).isTextual() || n.path(field).asText().isBlank()) {
        throw new IllegalArgumentException("field '" + field + "' must be a non-empty string");
      }
    }
    if (!n.path("nab").isObject() || n.path("nab").isEmpty()) {
      throw new IllegalArgumentException(
          "field 'nab' is missing: run vigil backtest with --labels to measure the scores");
    }
    return n;
  }

  /** A plain JDBC connection for start-up work. */
  public static Connection connect(VigilConfig config) throws SQLException {
    return Postgres.connect(
        config.get(VigilOptions.PG_URL),
        config.get(VigilOptions.PG_USER),
        config.get(VigilOptions.PG_PASSWORD));
  }
}
