-- Vigil schema, version 7: infrastructure drift. One row per drift episode of a resource: what the
-- code declares against what runs, the changed properties (secret values replaced by hashes), how
-- bad it is, who changed it, and how it ended. drift_changes lists the properties as rows;
-- drift_incidents puts drift next to the alerts of the same service that followed it.

CREATE TABLE drift_events (
    id              UUID PRIMARY KEY,
    environment     VARCHAR(100) NOT NULL,
    resource        VARCHAR(500) NOT NULL,
    resource_type   VARCHAR(100) NOT NULL DEFAULT '',
    service         VARCHAR(200) NOT NULL DEFAULT '',
    drift_type      VARCHAR(20) NOT NULL CHECK (drift_type IN ('modified', 'deleted', 'added')),
    declared_state  JSONB,
    actual_state    JSONB,
    changes         JSONB NOT NULL DEFAULT '[]'::jsonb,
    severity        VARCHAR(20) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    severity_score  NUMERIC(3, 2) NOT NULL CHECK (severity_score >= 0 AND severity_score <= 1),
    changed_by      VARCHAR(500),
    commit_ref      VARCHAR(200),
    detected_at     TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ,
    resolution_type VARCHAR(20) CHECK (resolution_type IN ('reverted', 'codified', 'accepted', 'escalated')),
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX idx_drift_events_environment_time ON drift_events (environment, detected_at DESC);
CREATE INDEX idx_drift_events_open ON drift_events (environment) WHERE resolved_at IS NULL;

CREATE VIEW drift_changes AS
SELECT e.id AS drift_event_id, e.environment, e.resource, c->>'path' AS property_path,
       c->'declared' AS declared_value, c->'actual' AS actual_value, c->>'change_type' AS change_type,
       (c->>'security_critical')::boolean AS is_security_critical, e.detected_at
FROM drift_events e CROSS JOIN LATERAL jsonb_array_elements(e.changes) c;

-- Alerts (Vigil's and Alertmanager's) on the drifted resource's service in the two hours after.
CREATE VIEW drift_incidents AS
SELECT e.id AS drift_event_id, e.environment, e.resource, e.service, e.detected_at,
       a.id AS alert_id, a.origin, a.rule_name, a.severity AS alert_severity, a.starts_at,
       a.starts_at - e.detected_at AS alert_after
FROM drift_events e
JOIN alerts a ON e.service <> ''
     AND e.service = coalesce(a.labels->>'source', a.labels->>'service', a.labels->>'job')
     AND a.starts_at BETWEEN e.detected_at AND e.detected_at + interval '2 hours';
