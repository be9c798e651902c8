-- Vigil schema, version 6: alerts from Prometheus Alertmanager. They share the alerts table with
-- Vigil's own (one list for on-call engineers and Grafana), told apart by origin; the
-- auto-analyze rules decide per alert name and severity whether Vigil explains an alert with the
-- anomalies of its service (analysis), records it for a person, or ignores it.

CREATE TABLE auto_analyze_rules (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name               VARCHAR(100) NOT NULL,
    priority           INTEGER NOT NULL DEFAULT 100,
    alert_name_pattern VARCHAR(255) NOT NULL DEFAULT '*',
    severity_pattern   VARCHAR(100) NOT NULL DEFAULT '*',
    action             VARCHAR(20) NOT NULL DEFAULT 'auto_analyze'
                       CHECK (action IN ('auto_analyze', 'ignore', 'manual')),
    enabled            BOOLEAN NOT NULL DEFAULT true,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE alerts
    ADD COLUMN origin          VARCHAR(20) NOT NULL DEFAULT 'vigil'
                               CHECK (origin IN ('vigil', 'alertmanager')),
    ADD COLUMN generator_url   TEXT,
    ADD COLUMN analyze_rule_id UUID REFERENCES auto_analyze_rules(id) ON DELETE SET NULL,
    ADD COLUMN action_taken    VARCHAR(20)
                               CHECK (action_taken IN ('auto_analyze', 'ignore', 'manual')),
    ADD COLUMN analysis        JSONB,
    ADD COLUMN analyzed_at     TIMESTAMPTZ;

CREATE INDEX idx_alerts_origin_starts ON alerts (origin, starts_at DESC);
