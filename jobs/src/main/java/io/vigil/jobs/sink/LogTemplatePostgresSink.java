package io.vigil.jobs.sink;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.logs.functions.TemplateRow;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts {@code log_templates}. Rows carry cumulative figures from state, so a replay after a
 * restart writes the same numbers again instead of adding to them.
 */
public final class LogTemplatePostgresSink {
  static final String UPSERT =
      "INSERT INTO log_templates (tenant, service, template_id, template, example, first_seen,"
          + " last_seen, count, alias_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (tenant, service, template_id) DO UPDATE SET template = EXCLUDED.template,"
          + " example = EXCLUDED.example, first_seen = EXCLUDED.first_seen,"
          + " last_seen = EXCLUDED.last_seen, count = EXCLUDED.count, alias_of = EXCLUDED.alias_of,"
          + " updated_at = now()";

  private LogTemplatePostgresSink() {}

  public static Sink<TemplateRow> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<TemplateRow>builder()
            .withQueryStatement(UPSERT, LogTemplatePostgresSink::bind)
            .withExecutionOptions(AnomalyPostgresSink.executionOptions(config))
            .buildAtLeastOnce(AnomalyPostgresSink.connection(config)));
  }

  static void bind(PreparedStatement st, TemplateRow r) throws SQLException {
    st.setString(1, r.tenant());
    st.setString(2, r.service());
    st.setString(3, r.templateId());
    st.setString(4, r.template());
    st.setString(5, clip(r.example()));
    st.setTimestamp(6, new Timestamp(r.firstSeen()));
    st.setTimestamp(7, new Timestamp(r.lastSeen()));
    st.setLong(8, r.count());
    st.setString(9, r.aliasOf());
  }

  /** Examples are for humans; a 1 MB message is not. */
  static String clip(String s) {
    return s == null || s.length() <= 2000 ? s : s.substring(0, 2000);
  }
}
