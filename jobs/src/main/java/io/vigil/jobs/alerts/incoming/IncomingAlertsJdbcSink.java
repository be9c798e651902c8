package io.vigil.jobs.alerts.incoming;

import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.sink.AnomalyPostgresSink;
import io.vigil.jobs.sink.CloseSafeSink;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts alerts from Alertmanager into {@code alerts} ({@code origin = 'alertmanager'}), one row
 * per episode (id from fingerprint and start). Replays are harmless: a resolved row stays resolved,
 * an acknowledged one is not set back to firing, and a change without analysis keeps the one held.
 */
public final class IncomingAlertsJdbcSink {
  static final String UPSERT =
      "INSERT INTO alerts (id, fingerprint, tenant, rule_name, status, severity, labels,"
          + " annotations, starts_at, ends_at, last_transition, updated_at, origin, generator_url,"
          + " analyze_rule_id, action_taken, analysis, analyzed_at)"
          + " VALUES (?::uuid, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, 'alertmanager', ?,"
          + " (SELECT id FROM auto_analyze_rules WHERE id::text = ?), ?, ?::jsonb, ?)"
          + " ON CONFLICT (id) DO UPDATE SET"
          + " status = CASE WHEN alerts.status = 'resolved'"
          + " OR (alerts.status = 'acknowledged' AND EXCLUDED.status = 'firing')"
          + " THEN alerts.status ELSE EXCLUDED.status END,"
          + " last_transition = CASE WHEN alerts.status = 'resolved' THEN alerts.last_transition"
          + " ELSE EXCLUDED.last_transition END,"
          + " ends_at = coalesce(alerts.ends_at, EXCLUDED.ends_at),"
          + " severity = EXCLUDED.severity, labels = EXCLUDED.labels,"
          + " annotations = EXCLUDED.annotations, generator_url = EXCLUDED.generator_url,"
          + " analyze_rule_id = EXCLUDED.analyze_rule_id, action_taken = EXCLUDED.action_taken,"
          + " analysis = coalesce(EXCLUDED.analysis, alerts.analysis),"
          + " analyzed_at = coalesce(EXCLUDED.analyzed_at, alerts.analyzed_at),"
          + " updated_at = greatest(alerts.updated_at, EXCLUDED.updated_at)";

  private IncomingAlertsJdbcSink() {}

  public static Sink<IncomingAlertRow> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<IncomingAlertRow>builder()
            .withQueryStatement(
                UPSERT,
                (ps, r) -> {
                  IncomingAlert a = r.alert();
                  ps.setString(1, a.alertId().toString());
                  ps.setString(2, a.fingerprint());
                  ps.setString(3, a.tenant());
                  ps.setString(4, a.alertName());
                  ps.setString(5, a.firing() ? "firing" : "resolved");
                  ps.setString(6, a.severity().dbName());
                  ps.setString(7, AlertJsonCodec.json(a.labels()));
                  ps.setString(8, AlertJsonCodec.json(a.annotations()));
                  ps.setTimestamp(9, new Timestamp(a.startsAt()));
                  ps.setTimestamp(10, a.endsAt() > 0 ? new Timestamp(a.endsAt()) : null);
                  ps.setString(11, "alertmanager-" + r.transition());
                  ps.setTimestamp(12, new Timestamp(r.at()));
                  ps.setString(13, a.generatorUrl().isEmpty() ? null : a.generatorUrl());
                  ps.setString(14, a.ruleId());
                  ps.setString(15, a.action());
                  ps.setString(16, r.analysisJson());
                  ps.setTimestamp(17, r.analyzedAt() > 0 ? new Timestamp(r.analyzedAt()) : null);
                })
            .withExecutionOptions(AnomalyPostgresSink.executionOptions(config))
            .buildAtLeastOnce(AnomalyPostgresSink.connection(config)));
  }
}
