-- Vigil schema, version 1: the foundation tables the metrics job writes and Grafana reads.
-- Unified from the design documents in shared/seeds: one anomalies, one alerts, one alert_rules.

CREATE TABLE tenants (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        VARCHAR(100) NOT NULL UNIQUE,
    name        VARCHAR(200) NOT NULL,
    config      JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE services (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    slug        VARCHAR(100) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    environment VARCHAR(50) NOT NULL DEFAULT 'production',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slug)
);

CREATE TABLE data_sources (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID REFERENCES tenants(id) ON DELETE CASCADE,
    name        VARCHAR(200) NOT NULL,
    type        VARCHAR(50) NOT NULL
                CHECK (type IN ('service', 'otel-collector', 'telegraf', 'fluent-bit', 'alertmanager', 'other')),
    config      JSONB NOT NULL DEFAULT '{}'::jsonb,
    status      VARCHAR(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

-- The detector registry: one row per algorithm + version (version digests the hyperparameters).
CREATE TABLE ml_models (
    id              UUID PRIMARY KEY,
    algorithm       VARCHAR(100) NOT NULL,
    version         VARCHAR(50) NOT NULL,
    hyperparameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    metrics         JSONB NOT NULL DEFAULT '{}'::jsonb,
    status          VARCHAR(20) NOT NULL DEFAULT 'production'
                    CHECK (status IN ('training', 'evaluating', 'registered', 'production', 'deprecated')),
    trained_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (algorithm, version)
);

-- Aggregated features per (tenant, service, window); written by the log job.
CREATE TABLE feature_windows (
    id             UUID PRIMARY KEY,
    tenant         VARCHAR(100) NOT NULL,
    service        VARCHAR(200) NOT NULL,
    window_start   TIMESTAMPTZ NOT NULL,
    window_seconds INTEGER NOT NULL CHECK (window_seconds > 0),
    features       JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant, service, window_start, window_seconds)
);
CREATE INDEX idx_feature_windows_time ON feature_windows (tenant, service, window_start DESC);

-- One row per detected anomaly. id is a name-based UUID of series, event time and model version,
-- so a replay after a restart upserts the same row instead of adding a duplicate.
CREATE TABLE anomalies (
    id                UUID PRIMARY KEY,
    tenant            VARCHAR(100) NOT NULL,
    source            VARCHAR(200) NOT NULL,
    metric            VARCHAR(200) NOT NULL,
    tags              JSONB NOT NULL DEFAULT '{}'::jsonb,
    series            TEXT NOT NULL,
    kind              VARCHAR(20) NOT NULL DEFAULT 'metric' CHECK (kind IN ('metric', 'log')),
    value             DOUBLE PRECISION,
    score             DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
    severity          VARCHAR(20) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status            VARCHAR(20) NOT NULL DEFAULT 'detected'
                      CHECK (status IN ('detected', 'acknowledged', 'resolved', 'false_positive')),
    explanation       JSONB NOT NULL,
    model_id          UUID REFERENCES ml_models(id),
    feature_window_id UUID REFERENCES feature_windows(id),
    detected_at       TIMESTAMPTZ NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_anomalies_tenant_time ON anomalies (tenant, detected_at DESC);
CREATE INDEX idx_anomalies_severity_time ON anomalies (severity, detected_at DESC);
CREATE INDEX idx_anomalies_status ON anomalies (status);
CREATE INDEX idx_anomalies_series_time ON anomalies (series, detected_at DESC);

CREATE TABLE alert_rules (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant            VARCHAR(100) NOT NULL,
    name              VARCHAR(200) NOT NULL,
    description       TEXT,
    scope             JSONB NOT NULL DEFAULT '{}'::jsonb,
    conditions        JSONB NOT NULL,
    severity          VARCHAR(20) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    channels          JSONB NOT NULL DEFAULT '[]'::jsonb,
    active            BOOLEAN NOT NULL DEFAULT true,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant, name)
);
CREATE INDEX idx_alert_rules_active ON alert_rules (active, tenant);

CREATE TABLE alerts (
    id               UUID PRIMARY KEY,
    fingerprint      VARCHAR(64) NOT NULL,
    rule_id          UUID REFERENCES alert_rules(id) ON DELETE SET NULL,
    anomaly_id       UUID REFERENCES anomalies(id) ON DELETE SET NULL,
    tenant           VARCHAR(100) NOT NULL,
    severity         VARCHAR(20) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status           VARCHAR(20) NOT NULL
                     CHECK (status IN ('pending', 'firing', 'acknowledged', 'suppressed', 'resolved')),
    channel          VARCHAR(50),
    labels           JSONB NOT NULL DEFAULT '{}'::jsonb,
    annotations      JSONB NOT NULL DEFAULT '{}'::jsonb,
    acknowledged_by  VARCHAR(200),
    acknowledged_at  TIMESTAMPTZ,
    notes            TEXT,
    starts_at        TIMESTAMPTZ NOT NULL,
    ends_at          TIMESTAMPTZ,
    sent_at          TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_alerts_status_time ON alerts (status, starts_at DESC);
CREATE INDEX idx_alerts_fingerprint ON alerts (fingerprint, starts_at DESC);
CREATE INDEX idx_alerts_tenant_time ON alerts (tenant, starts_at DESC);

CREATE TABLE notification_channels (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant      VARCHAR(100) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    type        VARCHAR(20) NOT NULL CHECK (type IN ('webhook', 'slack', 'pagerduty', 'email')),
    -- non-secret settings only; secrets are referenced by name and resolved from the environment
    config      JSONB NOT NULL DEFAULT '{}'::jsonb,
    events      JSONB NOT NULL DEFAULT '["firing", "resolved"]'::jsonb,
    status      VARCHAR(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant, name)
);

CREATE TABLE feedback (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    anomaly_id       UUID NOT NULL REFERENCES anomalies(id) ON DELETE CASCADE,
    is_true_positive BOOLEAN NOT NULL,
    author           VARCHAR(200),
    notes            TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_feedback_anomaly ON feedback (anomaly_id);

CREATE TABLE audit_log (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    actor         VARCHAR(200) NOT NULL,
    action        VARCHAR(50) NOT NULL,
    resource_type VARCHAR(50),
    resource_id   VARCHAR(200),
    details       JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_audit_log_time ON audit_log (created_at DESC);
