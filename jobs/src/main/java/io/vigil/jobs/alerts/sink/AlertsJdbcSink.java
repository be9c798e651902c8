package io.vigil.jobs.alerts.sink;

import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.sink.CloseSafeSink;
import java.sql.Timestamp;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts every transition into {@code alerts}, one row per alert episode (deterministic id). A
 * replayed older transition never overwrites a newer one ({@code updated_at} guard). An alert of an
 * anomaly rule points at the anomaly its description quotes ({@code anomaly_id}, no foreign key:
 * V9).
 */
public final class AlertsJdbcSink {
  static final String UPSERT =
      "INSERT INTO alerts (id, fingerprint, rule_id, tenant, rule_name, status, severity, labels,"
          + " annotations, starts_at, ends_at, current_value, last_transition, sent_at, updated_at,"
          + " anomaly_id)"
          + " VALUES (?::uuid, ?, (SELECT id FROM alert_rules WHERE id::text = ?), ?, ?, ?, ?,"
          + " ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, NULLIF(?, '')::uuid)"
          + " ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status,"
          + " anomaly_id = coalesce(EXCLUDED.anomaly_id, alerts.anomaly_id),"
          + " severity = EXCLUDED.severity, labels = EXCLUDED.labels,"
          + " annotations = EXCLUDED.annotations, ends_at = EXCLUDED.ends_at,"
          + " current_value = EXCLUDED.current_value,"
          + " last_transition = EXCLUDED.last_transition,"
          + " sent_at = coalesce(EXCLUDED.sent_at, alerts.sent_at), updated_at = EXCLUDED.updated_at"
          + " WHERE alerts.updated_at <= EXCLUDED.updated_at";

  private AlertsJdbcSink() {}

  /**
   * The anomaly the alert's description quotes (its {@code anomaly_id} annotation), or "" when
   * there is none or it is not a UUID (an anomaly id always is; a row is never rejected for it).
   */
  static String anomalyId(AlertTransition t) {
    String id = t.annotations().getOrDefault("anomaly_id", "");
    try {
      return id.isEmpty() ? "" : UUID.fromString(id).toString();
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  public static Sink<AlertTransition> create(String url, String user, String password) {
    return CloseSafeSink.wrap(
        JdbcSink.<AlertTransition>builder()
            .withQueryStatement(
                UPSERT,
                (ps, t) -> {
                  ps.setString(1, t.alertId());
                  ps.setString(2, t.fingerprint());
                  ps.setString(3, t.ruleId());
                  ps.setString(4, t.labels().getOrDefault("tenant", ""));
                  ps.setString(5, t.ruleName());
                  ps.setString(6, t.status().dbName());
                  ps.setString(7, t.severity());
                  ps.setString(8, AlertJsonCodec.json(t.labels()));
                  ps.setString(9, AlertJsonCodec.json(t.annotations()));
                  ps.setTimestamp(10, new Timestamp(t.startsAt()));
                  ps.setTimestamp(11, t.endsAt() > 0 ? new Timestamp(t.endsAt()) : null);
                  ps.setDouble(12, Double.isFinite(t.value()) ? t.value() : 0);
                  ps.setString(13, t.transition());
                  ps.setTimestamp(14, t.notifies() ? new Timestamp(t.at()) : null);
                  ps.setTimestamp(15, new Timestamp(t.at()));
                  ps.setString(16, anomalyId(t));
                })
            .withExecutionOptions(
                JdbcExecutionOptions.builder().withBatchSize(100).withBatchIntervalMs(200).build())
            .buildAtLeastOnce(
                new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                    .withUrl(url)
                    .withDriverName("org.postgresql.Driver")
                    .withUsername(user)
                    .withPassword(password)
                    .build()));
  }
}
