package io.vigil.jobs.drift;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.sink.AnomalyPostgresSink;
import io.vigil.jobs.sink.CloseSafeSink;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts drift events into {@code drift_events} by id; a replayed older version of an event
 * ({@code updated_at}, the report's time) never overwrites a newer one.
 */
public final class DriftEventsJdbcSink {
  static final String UPSERT =
      "INSERT INTO drift_events (id, environment, resource, resource_type, service, drift_type,"
          + " declared_state, actual_state, changes, severity, severity_score, changed_by,"
          + " commit_ref, detected_at, resolved_at, resolution_type, updated_at)"
          + " VALUES (?::uuid, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (id) DO UPDATE SET drift_type = EXCLUDED.drift_type,"
          + " resource_type = EXCLUDED.resource_type, service = EXCLUDED.service,"
          + " declared_state = EXCLUDED.declared_state, actual_state = EXCLUDED.actual_state,"
          + " changes = EXCLUDED.changes, severity = EXCLUDED.severity,"
          + " severity_score = EXCLUDED.severity_score, changed_by = EXCLUDED.changed_by,"
          + " commit_ref = EXCLUDED.commit_ref, resolved_at = EXCLUDED.resolved_at,"
          + " resolution_type = EXCLUDED.resolution_type, updated_at = EXCLUDED.updated_at"
          + " WHERE drift_events.updated_at <= EXCLUDED.updated_at";

  private DriftEventsJdbcSink() {}

  public static Sink<DriftRow> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<DriftRow>builder()
            .withQueryStatement(
                UPSERT,
                (ps, r) -> {
                  ps.setString(1, r.id());
                  ps.setString(2, r.environment());
                  ps.setString(3, r.resource());
                  ps.setString(4, r.resourceType());
                  ps.setString(5, r.service());
                  ps.setString(6, r.driftType());
                  ps.setString(7, r.declaredJson());
                  ps.setString(8, r.actualJson());
                  ps.setString(9, r.changesJson());
                  ps.setString(10, r.severity());
                  ps.setDouble(11, r.severityScore());
                  ps.setString(12, r.changedBy().isEmpty() ? null : r.changedBy());
                  ps.setString(13, r.commit().isEmpty() ? null : r.commit());
                  ps.setTimestamp(14, new Timestamp(r.detectedAt()));
                  ps.setTimestamp(15, r.resolvedAt() > 0 ? new Timestamp(r.resolvedAt()) : null);
                  ps.setString(16, r.resolutionType().isEmpty() ? null : r.resolutionType());
                  ps.setTimestamp(17, new Timestamp(r.updatedAt()));
                })
            .withExecutionOptions(AnomalyPostgresSink.executionOptions(config))
            .buildAtLeastOnce(AnomalyPostgresSink.connection(config)));
  }
}
