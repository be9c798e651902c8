package io.vigil.jobs.sink;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.logs.functions.FeatureWindow;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts log feature windows into {@code feature_windows}; ids are name-based, so replays
 * overwrite.
 */
public final class FeatureWindowPostgresSink {
  static final String UPSERT =
      "INSERT INTO feature_windows (id, tenant, service, window_start, window_seconds, features)"
          + " VALUES (?::uuid, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (id) DO UPDATE SET"
          + " features = EXCLUDED.features";

  private FeatureWindowPostgresSink() {}

  public static Sink<FeatureWindow> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<FeatureWindow>builder()
            .withQueryStatement(UPSERT, FeatureWindowPostgresSink::bind)
            .withExecutionOptions(AnomalyPostgresSink.executionOptions(config))
            .buildAtLeastOnce(AnomalyPostgresSink.connection(config)));
  }

  static void bind(PreparedStatement st, FeatureWindow w) throws SQLException {
    st.setString(1, w.id());
    st.setString(2, w.tenant());
    st.setString(3, w.service());
    st.setTimestamp(4, new Timestamp(w.windowStart()));
    st.setInt(5, w.windowSeconds());
    st.setString(6, w.featuresJson());
  }
}
