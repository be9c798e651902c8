package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every delivery attempt in {@code notification_attempts} and answers whether a key was
 * already delivered (the dedupe that keeps a replay after recovery from notifying twice). A
 * database outage is logged, never fatal: notifications matter more than their bookkeeping.
 */
public class AttemptLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptLog.class);
  private static final String INSERT =
      "INSERT INTO notification_attempts (idempotency_key, channel, alert_id, fingerprint,"
          + " transition, attempt, outcome, http_status, detail, attempted_at)"
          + " VALUES (?, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
  private static final String DELIVERED =
      "SELECT 1 FROM notification_attempts WHERE idempotency_key = ? AND channel = ?"
          + " AND outcome = 'delivered' LIMIT 1";

  private final String url;
  private final String user;
  private final String password;
  private Connection connection;

  public AttemptLog(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /** True when this key was already delivered to this channel. */
  public synchronized boolean delivered(String key, String channel) {
    try (PreparedStatement ps = connection().prepareStatement(DELIVERED)) {
      ps.setString(1, key);
      ps.setString(2, channel);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      LOG.warn("notification dedupe lookup failed ({}), sending anyway", e.getSQLState());
      reset();
      return false;
    }
  }

  public synchronized void record(
      AlertTransition a, String channel, int attempt, String outcome, Delivery d) {
    try (PreparedStatement ps = connection().prepareStatement(INSERT)) {
      ps.setString(1, a.idempotencyKey());
      ps.setString(2, channel);
      ps.setString(3, a.alertId());
      ps.setString(4, a.fingerprint());
      ps.setString(5, a.transition());
      ps.setInt(6, attempt);
      ps.setString(7, outcome);
      ps.setInt(8, d == null ? 0 : d.status());
      ps.setString(9, d == null ? null : d.detail());
      ps.setTimestamp(10, new Timestamp(System.currentTimeMillis()));
      ps.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("could not record notification attempt ({})", e.getSQLState());
      reset();
    }
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = io.vigil.jobs.db.Postgres.connect(url, user, password);
    }
    return connection;
  }

  private void reset() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // already broken
    }
    connection = null;
  }

  @Override
  public synchronized void close() {
    reset();
  }
}
