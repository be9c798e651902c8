-- Vigil schema, version 9: an alert raised by an anomaly rule points at the anomaly its description
-- quotes (alerts.anomaly_id: the latest one of the episode, as the description is). Anomaly and alert
-- rows are written by two independent sinks of one job, so an alert can be committed before its
-- anomaly: the foreign key goes (it would reject that alert row), and an index serves the join. A
-- dashboard joins with LEFT JOIN: retention may also delete the anomaly before the alert.
ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_anomaly_id_fkey;
CREATE INDEX IF NOT EXISTS idx_alerts_anomaly ON alerts (anomaly_id) WHERE anomaly_id IS NOT NULL;
