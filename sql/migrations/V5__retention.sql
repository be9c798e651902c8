-- Vigil schema, version 5: indexes `vigil prune` deletes old feature windows by.
-- Windows are found by start time across tenants, and kept while an anomaly refers to one.
CREATE INDEX idx_feature_windows_start ON feature_windows (window_start);
CREATE INDEX idx_anomalies_feature_window ON anomalies (feature_window_id)
    WHERE feature_window_id IS NOT NULL;
