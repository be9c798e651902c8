package io.vigil.jobs.sink;

import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.jobs.config.VigilConfig;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts {@code error_groups} with cumulative figures from state (replays rewrite the same
 * numbers). A status set by a human is kept, except that a resolved group that occurs again becomes
 * {@code regressed}, and a group whose template merged into another becomes {@code merged}.
 */
public final class ErrorGroupPostgresSink {
  static final String UPSERT =
      "INSERT INTO error_groups (tenant, service, error_hash, template_id, template, severity,"
          + " example, first_seen, last_seen, count, affected_users, affected_users_exact, status,"
          + " merged_into) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (tenant, service, error_hash) DO UPDATE SET template = EXCLUDED.template,"
          + " severity = EXCLUDED.severity, example = EXCLUDED.example,"
          + " first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,"
          + " count = EXCLUDED.count, affected_users = EXCLUDED.affected_users,"
          + " affected_users_exact = EXCLUDED.affected_users_exact,"
          + " merged_into = EXCLUDED.merged_into,"
          + " status = CASE WHEN EXCLUDED.status = 'merged' THEN 'merged'"
          + " WHEN error_groups.status = 'resolved' AND EXCLUDED.last_seen > error_groups.last_seen"
          + " THEN 'regressed' ELSE error_groups.status END, updated_at = now()";

  private ErrorGroupPostgresSink() {}

  public static Sink<ErrorGroupRow> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<ErrorGroupRow>builder()
            .withQueryStatement(UPSERT, ErrorGroupPostgresSink::bind)
            .withExecutionOptions(AnomalyPostgresSink.executionOptions(config))
            .buildAtLeastOnce(AnomalyPostgresSink.connection(config)));
  }

  static void bind(PreparedStatement st, ErrorGroupRow r) throws SQLException {
    st.setString(1, r.tenant());
    st.setString(2, r.service());
    st.setString(3, r.errorHash());
    st.setString(4, r.templateId());
    st.setString(5, r.template());
    st.setString(6, r.severity());
    st.setString(7, LogTemplatePostgresSink.clip(r.example()));
    st.setTimestamp(8, new Timestamp(r.firstSeen()));
    st.setTimestamp(9, new Timestamp(r.lastSeen()));
    st.setLong(10, r.count());
    st.setLong(11, r.affectedUsers());
    st.setBoolean(12, r.usersExact());
    st.setString(13, r.mergedInto() == null ? "open" : "merged");
    st.setString(14, r.mergedInto());
  }
}
