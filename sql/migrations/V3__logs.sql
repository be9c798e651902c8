-- Vigil schema, version 3: what the log job writes besides feature_windows and anomalies (V1).
-- Figures are cumulative and written from Flink state, so a replay rewrites the same numbers.

-- One row per mined template of a (tenant, service). template_id is the miner's content-derived
-- 64-bit id in hex: stable across restarts and rescaling. When the miner merges a template into an
-- older one, the row stays with alias_of set to the survivor's id (its counts moved there).
CREATE TABLE log_templates (
    tenant       VARCHAR(100) NOT NULL,
    service      VARCHAR(200) NOT NULL,
    template_id  CHAR(16) NOT NULL,
    template     TEXT NOT NULL,
    example      TEXT,
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    count        BIGINT NOT NULL CHECK (count >= 0),
    alias_of     CHAR(16),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, service, template_id)
);
CREATE INDEX idx_log_templates_last_seen ON log_templates (tenant, service, last_seen DESC);

-- One row per error group: events of ERROR/FATAL severity of one template (error_hash =
-- ErrorGroupKey of tenant, service and template id). affected_users is exact while
-- affected_users_exact, a HyperLogLog estimate (about 1.6% error) beyond 1,000 users.
CREATE TABLE error_groups (
    tenant               VARCHAR(100) NOT NULL,
    service              VARCHAR(200) NOT NULL,
    error_hash           CHAR(16) NOT NULL,
    template_id          CHAR(16) NOT NULL,
    template             TEXT NOT NULL,
    severity             VARCHAR(20) NOT NULL,
    example              TEXT,
    first_seen           TIMESTAMPTZ NOT NULL,
    last_seen            TIMESTAMPTZ NOT NULL,
    count                BIGINT NOT NULL CHECK (count >= 0),
    affected_users       BIGINT NOT NULL DEFAULT 0,
    affected_users_exact BOOLEAN NOT NULL DEFAULT true,
    status               VARCHAR(20) NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open', 'acknowledged', 'resolved', 'regressed', 'ignored', 'merged')),
    merged_into          CHAR(16),
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, service, error_hash)
);
CREATE INDEX idx_error_groups_last_seen ON error_groups (tenant, last_seen DESC);
CREATE INDEX idx_error_groups_status ON error_groups (status, last_seen DESC);
