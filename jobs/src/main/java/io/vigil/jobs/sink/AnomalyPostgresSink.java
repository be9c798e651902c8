package io.vigil.jobs.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.detect.AnomalyBuilder;
import io.vigil.common.model.Anomaly;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts anomalies into PostgreSQL through the Flink JDBC connector. Ids are deterministic, so a
 * replay after a restart rewrites the same rows; a status set by a human is never overwritten.
 */
public final class AnomalyPostgresSink {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final String UPSERT =
      "INSERT INTO anomalies (id, tenant, source, metric, tags, series, kind, value, score, severity,"
          + " explanation, model_id, detected_at) VALUES (?::uuid, ?, ?, ?, ?::jsonb, ?, 'metric', ?, ?,"
          + " ?, ?::jsonb, ?::uuid, ?) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value,"
          + " score = EXCLUDED.score, severity = EXCLUDED.severity,"
          + " explanation = EXCLUDED.explanation, updated_at = now()";

  private AnomalyPostgresSink() {}

  public static JdbcSink<Anomaly> create(VigilConfig config) {
    return JdbcSink.<Anomaly>builder()
        .withQueryStatement(UPSERT, AnomalyPostgresSink::bind)
        .withExecutionOptions(
            JdbcExecutionOptions.builder()
                .withBatchSize(config.get(VigilOptions.PG_BATCH_SIZE))
                .withBatchIntervalMs(1000)
                .withMaxRetries(config.get(VigilOptions.PG_MAX_RETRIES))
                .build())
        .buildAtLeastOnce(connection(config));
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

  static void bind(PreparedStatement st, Anomaly a) throws SQLException {
    st.setString(1, a.id());
    st.setString(2, a.tenant());
    st.setString(3, a.source());
    st.setString(4, a.metric());
    st.setString(5, json(a));
    st.setString(6, a.series());
    if (Double.isFinite(a.value())) {
      st.setDouble(7, a.value());
    } else {
      st.setNull(7, Types.DOUBLE);
    }
    st.setDouble(8, a.score());
    st.setString(9, a.severity().dbName());
    st.setString(10, a.explanationJson());
    st.setString(11, AnomalyBuilder.modelId(a.modelAlgorithm(), a.modelVersion()).toString());
    st.setTimestamp(12, new Timestamp(a.timestamp()));
  }

  private static String json(Anomaly a) throws SQLException {
    try {
      return MAPPER.writeValueAsString(a.tags());
    } catch (JsonProcessingException e) {
      throw new SQLException("tags are always serializable", e);
    }
  }
}
