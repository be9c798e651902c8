package io.vigil.jobs.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.testing.LocalServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code vigil prune} against a real PostgreSQL, in a schema of its own. */
class PruneITCase {

  @Test
  void oldFeatureWindowsAreDeletedInBatchesExceptThoseAnAnomalyRefersTo() throws Exception {
    LocalServices s = LocalServices.get();
    String schema = "prune" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    VigilConfig config =
        VigilConfig.fromMap(
            Map.of(
                "postgres.url", s.pgUrlWithSchema(schema),
                "postgres.user", s.pgUser(),
                "postgres.password", s.pgPassword(),
                "logs.feature-windows-retention", "30 d"),
            Map.of());
    Migrations.migrate(config);
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    int old = 2 * Prune.BATCH + 5;
    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement()) {
      // a minute-window service: old windows (31-45 days ago), recent ones (the last 29 days)
      st.execute(
          "INSERT INTO feature_windows (id, tenant, service, window_start, window_seconds, features)"
              + " SELECT gen_random_uuid(), 'acme', 'api', TIMESTAMPTZ '2026-10-31 00:00:00+00'"
              + " - g * INTERVAL '1 minute', 60, '{}'::jsonb FROM generate_series(0, "
              + (old - 1)
              + ") g");
      st.execute(
          "INSERT INTO feature_windows (id, tenant, service, window_start, window_seconds, features)"
              + " SELECT gen_random_uuid(), 'acme', 'api', TIMESTAMPTZ '2026-11-02 00:00:00+00'"
              + " + g * INTERVAL '1 hour', 60, '{}'::jsonb FROM generate_series(0, 99) g");
      // an old window that is an anomaly's evidence
      st.execute(
          "INSERT INTO feature_windows (id, tenant, service, window_start, window_seconds, features)"
              + " VALUES ('00000000-0000-0000-0000-00000000e1de', 'acme', 'api',"
              + " TIMESTAMPTZ '2026-09-01 00:00:00+00', 60, '{}'::jsonb)");
      st.execute(
          "INSERT INTO anomalies (id, tenant, source, metric, series, kind, score, severity,"
              + " explanation, feature_window_id, detected_at) VALUES (gen_random_uuid(), 'acme',"
              + " 'api', 'log_errors', 'acme/api/log_errors', 'log', 0.9, 'high', '{}'::jsonb,"
              + " '00000000-0000-0000-0000-00000000e1de', TIMESTAMPTZ '2026-09-01 00:01:00+00')");
    }

    assertThat(Prune.featureWindows(config, now)).isEqualTo(old);
    assertThat(Prune.featureWindows(config, now)).as("a second run finds nothing").isZero();
    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT details->>'deleted', actor FROM audit_log WHERE action = 'prune'")) {
      assertThat(rs.next()).as("the prune that deleted rows is audited").isTrue();
      assertThat(rs.getLong(1)).isEqualTo(old);
      assertThat(rs.getString(2)).isNotBlank();
      assertThat(rs.next()).as("the run that deleted nothing is not").isFalse();
    }

    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id::text, window_start < TIMESTAMPTZ '2026-11-01 00:00:00+00' AS old"
                    + " FROM feature_windows ORDER BY window_start")) {
      List<String> oldLeft = new ArrayList<>();
      int recent = 0;
      while (rs.next()) {
        if (rs.getBoolean("old")) {
          oldLeft.add(rs.getString("id"));
        } else {
          recent++;
        }
      }
      assertThat(oldLeft).containsExactly("00000000-0000-0000-0000-00000000e1de");
      assertThat(recent).isEqualTo(100);
    }

    VigilConfig keepAll =
        VigilConfig.fromMap(
            Map.of(
                "postgres.url", s.pgUrlWithSchema(schema),
                "postgres.user", s.pgUser(),
                "postgres.password", s.pgPassword(),
                "logs.feature-windows-retention", "0 s"),
            Map.of());
    assertThat(Prune.featureWindows(keepAll, now.plusSeconds(365L * 86_400))).isZero();
  }
}
