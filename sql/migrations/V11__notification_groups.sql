-- Vigil schema, version 11: grouped notifications (Alertmanager's group_by / group_wait /
-- group_interval). A rule with group_wait > 0 notifies the alerts that share the values of its
-- group_by labels (and its tenant) together: the first notification of a group after group_wait,
-- later ones at most every group_interval (0: 5 minutes).

ALTER TABLE alert_rules
    ADD COLUMN group_by               JSONB NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN group_wait_seconds     INTEGER NOT NULL DEFAULT 0 CHECK (group_wait_seconds >= 0),
    ADD COLUMN group_interval_seconds INTEGER NOT NULL DEFAULT 0 CHECK (group_interval_seconds >= 0);
