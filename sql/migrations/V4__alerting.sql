-- Vigil schema, version 2: alerting. Extends V1's alert_rules, alerts and notification_channels
-- with what the alerting pipeline (jobs/.../alerts) needs; adds silences, maintenance windows and
-- the notification attempt log.

-- Rule timings (seconds, like tb_alert_rule in the monitoring design). conditions (JSONB) holds the
-- condition: {"kind": "threshold|anomaly|absence|sequence|flapping", ...}; see DESIGN.md.
ALTER TABLE alert_rules
    ADD COLUMN for_seconds               INTEGER NOT NULL DEFAULT 0 CHECK (for_seconds >= 0),
    ADD COLUMN repeat_interval_seconds   INTEGER NOT NULL DEFAULT 0 CHECK (repeat_interval_seconds >= 0),
    ADD COLUMN suppress_duration_seconds INTEGER NOT NULL DEFAULT 0 CHECK (suppress_duration_seconds >= 0),
    ADD COLUMN max_alerts_per_hour       INTEGER NOT NULL DEFAULT 0 CHECK (max_alerts_per_hour >= 0),
    ADD COLUMN auto_resolve_seconds      INTEGER NOT NULL DEFAULT 300 CHECK (auto_resolve_seconds >= 0),
    ADD COLUMN escalation_delay_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (escalation_delay_seconds >= 0);

-- The job reads rules by polling; updated_at is the rule version, so every change must bump it.
CREATE OR REPLACE FUNCTION alert_rules_touch() RETURNS trigger AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER alert_rules_touch BEFORE UPDATE ON alert_rules
    FOR EACH ROW EXECUTE FUNCTION alert_rules_touch();

-- One row per alert episode (id = name-based UUID of fingerprint and start), upserted on every
-- transition. acknowledged_at/by are written by people (UI, API, psql) and read back by the job.
ALTER TABLE alerts
    ADD COLUMN rule_name       VARCHAR(200),
    ADD COLUMN current_value   DOUBLE PRECISION,
    ADD COLUMN last_transition VARCHAR(40);
CREATE INDEX idx_alerts_acknowledged ON alerts (acknowledged_at) WHERE acknowledged_at IS NOT NULL;

-- Silences: alerts whose labels match every matcher ({"source": "web-*"}) are suppressed.
CREATE TABLE alert_silences (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant      VARCHAR(100) NOT NULL,
    matchers    JSONB NOT NULL,
    starts_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    ends_at     TIMESTAMPTZ NOT NULL,
    created_by  VARCHAR(200) NOT NULL,
    comment     TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX idx_alert_silences_active ON alert_silences (ends_at);

-- Maintenance windows: every alert of a tenant's source (or all its sources) is suppressed.
CREATE TABLE maintenance_windows (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant      VARCHAR(100) NOT NULL,
    source      VARCHAR(200),
    starts_at   TIMESTAMPTZ NOT NULL,
    ends_at     TIMESTAMPTZ NOT NULL,
    reason      TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX idx_maintenance_windows_active ON maintenance_windows (ends_at);

-- Every delivery attempt of every notification. idempotency_key is deterministic (fingerprint,
-- transition, episode start): a 'delivered' row stops a replay after recovery from sending again.
CREATE TABLE notification_attempts (
    id              BIGSERIAL PRIMARY KEY,
    idempotency_key VARCHAR(64) NOT NULL,
    channel         VARCHAR(200) NOT NULL,
    alert_id        UUID NOT NULL,
    fingerprint     VARCHAR(64) NOT NULL,
    transition      VARCHAR(40) NOT NULL,
    attempt         INTEGER NOT NULL CHECK (attempt >= 1),
    outcome         VARCHAR(20) NOT NULL CHECK (outcome IN ('delivered', 'failed')),
    http_status     INTEGER,
    detail          TEXT,
    attempted_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_notification_attempts_key ON notification_attempts (idempotency_key, channel);
CREATE INDEX idx_notification_attempts_alert ON notification_attempts (alert_id, attempted_at);
