package io.vigil.jobs.sink;

import io.vigil.common.model.Feedback;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Records applied feedback in PostgreSQL {@code feedback} and marks false alarms as {@code
 * false_positive} in {@code anomalies}. Feedback on an anomaly the database doesn't know is skipped
 * rather than failing the job; ids are deterministic, so replays insert nothing twice.
 */
public final class FeedbackPostgresSink {
  static final String UPSERT =
      "WITH a AS (UPDATE anomalies SET status = CASE WHEN ? THEN status ELSE 'false_positive' END,"
          + " updated_at = now() WHERE id = ?::uuid RETURNING id)"
          + " INSERT INTO feedback (id, anomaly_id, is_true_positive, author, notes, created_at)"
          + " SELECT ?::uuid, a.id, ?, ?, ?, ? FROM a ON CONFLICT (id) DO NOTHING";

  private FeedbackPostgresSink() {}

  public static Sink<Feedback> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<Feedback>builder()
            .withQueryStatement(UPSERT, FeedbackPostgresSink::bind)
            .withExecutionOptions(
                JdbcExecutionOptions.builder()
                    .withBatchSize(100)
                    .withBatchIntervalMs(1000)
                    .withMaxRetries(config.get(VigilOptions.PG_MAX_RETRIES))
                    .build())
            .buildAtLeastOnce(AnomalyPostgresSink.connection(config)));
  }

  static void bind(PreparedStatement st, Feedback f) throws SQLException {
    st.setBoolean(1, f.truePositive());
    st.setString(2, f.anomalyId());
    st.setString(3, f.id());
    st.setBoolean(4, f.truePositive());
    st.setString(5, f.author());
    st.setString(6, f.notes());
    st.setTimestamp(7, new Timestamp(f.timestamp()));
  }
}
