-- Vigil schema, version 12: inhibition rules (Alertmanager's inhibit_rules). While an alert of the
-- tenant matching source_matchers fires, its alerts matching target_matchers whose equal_labels have
-- the same values are not notified (recorded, annotated inhibited_by). Matchers as in
-- alert_silences: {"label": "value"} or a prefix "value*"; they also see alertname (the rule's name)
-- and severity.

CREATE TABLE inhibit_rules (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant          VARCHAR(100) NOT NULL,
    name            VARCHAR(200) NOT NULL,
    source_matchers JSONB NOT NULL DEFAULT '{}'::jsonb,
    target_matchers JSONB NOT NULL CHECK (target_matchers <> '{}'::jsonb),
    equal_labels    JSONB NOT NULL DEFAULT '[]'::jsonb,
    wait_seconds    INTEGER NOT NULL DEFAULT 10 CHECK (wait_seconds >= 0),
    active          BOOLEAN NOT NULL DEFAULT true,
    created_by      VARCHAR(200),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant, name)
);
