package io.vigil.jobs.db;

import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.util.TimeUtils;

/**
 * {@code vigil prune}: deletes the {@code feature_windows} rows older than {@code
 * logs.feature-windows-retention} (by window start), the one sink table that grows with time rather
 * than with incidents (a row per service per window). Rows an anomaly refers to are kept: they are
 * that anomaly's evidence. Deletes in batches, each its own transaction, so a large backlog never
 * holds locks for long and an interrupted run loses nothing but time; run it from cron or a
 * Kubernetes CronJob. Anomalies, alerts, notification attempts (the webhooks' idempotency record)
 * and the audit log are kept: they grow with incidents, not with time.
 */
public final class Prune {
  static final int BATCH = 10_000;
  private static final String DELETE =
      "DELETE FROM feature_windows WHERE id IN (SELECT f.id FROM feature_windows f"
          + " WHERE f.window_start < ? AND NOT EXISTS"
          + " (SELECT 1 FROM anomalies a WHERE a.feature_window_id = f.id) LIMIT ?)";

  private Prune() {}

  /**
   * Deletes feature windows that started before {@code now - retention}; returns how many. A run
   * that deleted any is recorded in {@code audit_log}.
   */
  public static long featureWindows(VigilConfig config, Instant now) throws SQLException {
    Duration retention = config.get(VigilOptions.FEATURE_WINDOWS_RETENTION);
    if (retention.isZero()) {
      return 0;
    }
    Timestamp cutoff = Timestamp.from(now.minus(retention));
    long deleted = 0;
    try (Connection c = ModelRegistry.connect(config);
        PreparedStatement st = c.prepareStatement(DELETE)) {
      c.setAutoCommit(true);
      st.setTimestamp(1, cutoff);
      st.setInt(2, BATCH);
      int n;
      do {
        n = st.executeUpdate();
        deleted += n;
      } while (n == BATCH);
      if (deleted > 0) {
        AuditLog.write(
            c,
            AuditLog.actor(System.getenv()),
            "prune",
            "feature_windows",
            null,
            Map.of("deleted", deleted, "started_before", cutoff.toInstant().toString()));
      }
    }
    return deleted;
  }

  public static void main(String[] args) {
    VigilConfig config = Cli.configOrExit(args);
    Duration retention = config.get(VigilOptions.FEATURE_WINDOWS_RETENTION);
    if (config.get(VigilOptions.PG_MIGRATE)) {
      Migrations.migrate(config);
    }
    Instant now = Instant.now();
    long n;
    try {
      n = featureWindows(config, now);
    } catch (SQLException e) {
      System.err.println(
          "vigil prune: PostgreSQL at " + config.get(VigilOptions.PG_URL) + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println(
        retention.isZero()
            ? "vigil prune: logs.feature-windows-retention is 0, nothing deleted"
            : "vigil prune: deleted "
                + n
                + " feature window(s) that started before "
                + now.minus(retention)
                + " ("
                + TimeUtils.formatWithHighestUnit(retention)
                + " ago) and no anomaly refers to");
  }
}
