package io.vigil.jobs.alerts.source;

import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.db.Postgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads rules ({@code alert_rules}), silences and maintenance windows, acknowledgements ({@code
 * alerts.acknowledged_at}) and the auto-analyze rules ({@code auto_analyze_rules}) from PostgreSQL,
 * one snapshot per call; PostgreSQL renders the JSON. On a database error the last good snapshot is
 * repeated, so the job keeps its rules while the database is away; before the first good read that
 * is a snapshot with no parts ({@link #UNKNOWN}), which changes nothing in the operators' broadcast
 * state (a job restored while the database is away keeps the rules of its checkpoint instead of
 * being told there are none).
 *
 * <p>Also the operators' {@link ControlBootstrap}: {@link #read} is one read on its own connection,
 * failing on a database error.
 */
public class ControlPlanePoller
    implements GeneratorFunction<Long, ControlSnapshot>, ControlBootstrap {
  /** What a poll that could not read the database sends before any good read. */
  public static final ControlSnapshot UNKNOWN =
      new ControlSnapshot(0, null, null, null, null, null);

  private static final Logger LOG = LoggerFactory.getLogger(ControlPlanePoller.class);

  static final String RULES_SQL =
      "SELECT coalesce(json_agg(json_build_object("
          + "'id', id::text, 'name', name, 'tenant', tenant, 'enabled', active,"
          + " 'version', (extract(epoch from updated_at) * 1000)::bigint,"
          + " 'scope', scope, 'condition', conditions, 'severity', severity, 'channels', channels,"
          + " 'for', for_seconds * 1000, 'repeat_interval', repeat_interval_seconds * 1000,"
          + " 'cooldown', suppress_duration_seconds * 1000, 'max_per_hour', max_alerts_per_hour,"
          + " 'auto_resolve', auto_resolve_seconds * 1000,"
          + " 'escalation_delay', escalation_delay_seconds * 1000,"
          + " 'description', description, 'runbook_url', runbook_url, 'group_by', group_by,"
          + " 'group_wait', group_wait_seconds * 1000,"
          + " 'group_interval', group_interval_seconds * 1000) ORDER BY id), '[]')::text"
          + " FROM alert_rules";
  static final String SILENCES_SQL =
      "SELECT coalesce(json_agg(s), '[]')::text FROM ("
          + " SELECT id::text AS id, matchers || jsonb_build_object('tenant', tenant) AS matchers,"
          + " (extract(epoch from starts_at) * 1000)::bigint AS starts_at,"
          + " (extract(epoch from ends_at) * 1000)::bigint AS ends_at"
          + " FROM alert_silences WHERE ends_at > now()"
          + " UNION ALL"
          + " SELECT id::text, jsonb_strip_nulls(jsonb_build_object('tenant', tenant, 'source', source)),"
          + " (extract(epoch from starts_at) * 1000)::bigint,"
          + " (extract(epoch from ends_at) * 1000)::bigint"
          + " FROM maintenance_windows WHERE ends_at > now()) s";
  static final String ACKS_SQL =
      "SELECT coalesce(json_agg(json_build_object('fingerprint', fingerprint,"
          + " 'acked_at', (extract(epoch from acknowledged_at) * 1000)::bigint)), '[]')::text"
          + " FROM alerts WHERE acknowledged_at IS NOT NULL AND status <> 'resolved'"
          + " AND acknowledged_at > now() - interval '7 days'";

  static final String ANALYZE_RULES_SQL =
      "SELECT coalesce(json_agg(json_build_object('id', id::text, 'name', name,"
          + " 'priority', priority, 'alert_name_pattern', alert_name_pattern,"
          + " 'severity_pattern', severity_pattern, 'action', action, 'enabled', enabled)"
          + " ORDER BY priority, id), '[]')::text FROM auto_analyze_rules";

  static final String INHIBIT_RULES_SQL =
      "SELECT coalesce(json_agg(json_build_object('id', id::text, 'tenant', tenant,"
          + " 'source', source_matchers, 'target', target_matchers, 'equal', equal_labels,"
          + " 'wait', wait_seconds * 1000)"
          + " ORDER BY id), '[]')::text FROM inhibit_rules WHERE active";

  private final String url;
  private final String user;
  private final String password;
  private final boolean failFast;
  private transient Connection connection;
  private transient ControlSnapshot last;

  /** A poller that keeps the last snapshot while the database is away. */
  public ControlPlanePoller(String url, String user, String password) {
    this(url, user, password, false);
  }

  /**
   * {@code failFast}: a database error fails the source (and so the job, which restarts and reads
   * again) instead of repeating the last snapshot; for a single read, where the last snapshot is
   * the empty one and the run would silently evaluate no rules.
   */
  public ControlPlanePoller(String url, String user, String password, boolean failFast) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.failFast = failFast;
  }

  /** This poller, failing fast. */
  public ControlPlanePoller failingFast() {
    return new ControlPlanePoller(url, user, password, true);
  }

  @Override
  public void open(SourceReaderContext readerContext) {
    last = UNKNOWN;
  }

  @Override
  public ControlSnapshot map(Long index) {
    try {
      if (connection == null || connection.isClosed()) {
        connection = Postgres.connect(url, user, password);
      }
      last = snapshot(connection);
    } catch (SQLException e) {
      closeQuietly();
      if (failFast) {
        throw new IllegalStateException("could not read the alert rules: " + e.getMessage(), e);
      }
      LOG.warn("control-plane poll failed, keeping the last snapshot: {}", e.getMessage());
    }
    return last;
  }

  @Override
  public ControlSnapshot read() {
    try (Connection c = Postgres.connect(url, user, password)) {
      return snapshot(c);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the alert rules: " + e.getMessage(), e);
    }
  }

  private static ControlSnapshot snapshot(Connection c) throws SQLException {
    return new ControlSnapshot(
        System.currentTimeMillis(),
        one(c, RULES_SQL),
        one(c, SILENCES_SQL),
        one(c, ACKS_SQL),
        one(c, ANALYZE_RULES_SQL),
        one(c, INHIBIT_RULES_SQL));
  }

  private static String one(Connection connection, String sql) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // closing a broken connection
    }
    connection = null;
  }
}
