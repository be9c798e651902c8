package io.vigil.jobs.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.detect.AnomalyBuilder;
import io.vigil.common.model.Anomaly;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.logs.functions.LogAnomaly;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts anomalies (metric and log) into PostgreSQL through the Flink JDBC connector. Ids are
 * deterministic, so a replay after a restart rewrites the same rows; a status set by a human is
 * never overwritten.
 */
public final class AnomalyPostgresSink {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final String UPSERT =
      "INSERT INTO anomalies (id, tenant, source, metric, tags, series, kind, value, score, severity,"
          + " explanation, model_id, detected_at) VALUES (?::uuid, ?, ?, ?, ?::jsonb, ?, 'metric', ?, ?,"
          + " ?, ?::jsonb, ?::uuid, ?) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value,"
          + " score = EXCLUDED.score, severity = EXCLUDED.severity,"
          + " explanation = EXCLUDED.explanation, updated_at = now()";

  /**
   * Log anomalies refer to their feature window (a foreign key): the statement upserts the window
   * first, in the same statement, so the row exists whichever sink writes first.
   */
  static final String LOG_UPSERT =
      "WITH fw AS (INSERT INTO feature_windows (id, tenant, service, window_start, window_seconds,"
          + " features) VALUES (?::uuid, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (id) DO UPDATE SET"
          + " features = EXCLUDED.features RETURNING id)"
          + " INSERT INTO anomalies (id, tenant, source, metric, tags, series, kind, value, score,"
          + " severity, explanation, model_id, detected_at, feature_window_id) SELECT ?::uuid, ?, ?,"
          + " ?, ?::jsonb, ?, 'log', ?, ?, ?, ?::jsonb, ?::uuid, ?, fw.id FROM fw"
          + " ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value, score = EXCLUDED.score,"
          + " severity = EXCLUDED.severity, explanation = EXCLUDED.explanation,"
          + " feature_window_id = EXCLUDED.feature_window_id, updated_at = now()";

  private AnomalyPostgresSink() {}

  /** Metric anomalies (kind {@code metric}). */
  public static Sink<Anomaly> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<Anomaly>builder()
            .withQueryStatement(UPSERT, (st, a) -> bind(st, a, 0))
            .withExecutionOptions(executionOptions(config))
            .buildAtLeastOnce(connection(config)));
  }

  /** Log anomalies (kind {@code log}) with their feature window. */
  public static Sink<LogAnomaly> forLogs(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<LogAnomaly>builder()
            .withQueryStatement(LOG_UPSERT, AnomalyPostgresSink::bindLog)
            .withExecutionOptions(executionOptions(config))
            .buildAtLeastOnce(connection(config)));
  }

  /** Batching and retries shared by Vigil's JDBC sinks. */
  public static JdbcExecutionOptions executionOptions(VigilConfig config) {
    return JdbcExecutionOptions.builder()
        .withBatchSize(config.get(VigilOptions.PG_BATCH_SIZE))
        .withBatchIntervalMs(1000)
        .withMaxRetries(config.get(VigilOptions.PG_MAX_RETRIES))
        .build();
  }

  static void bindLog(PreparedStatement st, LogAnomaly a) throws SQLException {
    FeatureWindowPostgresSink.bind(st, a.window());
    bind(st, a.anomaly(), 6);
  }

  /** Connection options from configuration; the password is passed, never printed. */
  public static JdbcConnectionOptions connection(VigilConfig config) {
    return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
        .withUrl(config.get(VigilOptions.PG_URL))
        .withDriverName("org.postgresql.Driver")
        .withUsername(config.get(VigilOptions.PG_USER))
        .withPassword(config.get(VigilOptions.PG_PASSWORD))
        .withConnectionCheckTimeoutSeconds(10)
        .build();
  }

  /** Binds the 12 anomaly parameters starting after parameter {@code at}. */
  static void bind(PreparedStatement st, Anomaly a, int at) throws SQLException {
    st.setString(at + 1, a.id());
    st.setString(at + 2, a.tenant());
    st.setString(at + 3, a.source());
    st.setString(at + 4, a.metric());
    st.setString(at + 5, json(a));
    st.setString(at + 6, a.series());
    if (Double.isFinite(a.value())) {
      st.setDouble(at + 7, a.value());
    } else {
      st.setNull(at + 7, Types.DOUBLE);
    }
    st.setDouble(at + 8, a.score());
    st.setString(at + 9, a.severity().dbName());
    st.setString(at + 10, a.explanationJson());
    st.setString(at + 11, AnomalyBuilder.modelId(a.modelAlgorithm(), a.modelVersion()).toString());
    st.setTimestamp(at + 12, new Timestamp(a.timestamp()));
  }

  private static String json(Anomaly a) throws SQLException {
    try {
      return MAPPER.writeValueAsString(a.tags());
    } catch (JsonProcessingException e) {
      throw new SQLException("tags are always serializable", e);
    }
  }
}
