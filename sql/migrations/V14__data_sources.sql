-- Vigil schema, version 14: data sources filled by the jobs. The metrics and log jobs register, per
-- tenant, every form their records came in and the topic they read it from (name '<format> via
-- <topic>', e.g. 'otlp-proto via vigil.metrics'; type the kind of sender that writes that form;
-- config {format, topic, signal}), with when it was first and last seen (event time, last_seen to
-- within an hour). Prometheus (remote write through prometheus-kafka-adapter) becomes a type.

ALTER TABLE data_sources
    ALTER COLUMN name TYPE VARCHAR(300),
    ADD COLUMN first_seen TIMESTAMPTZ,
    ADD COLUMN last_seen  TIMESTAMPTZ;

ALTER TABLE data_sources DROP CONSTRAINT data_sources_type_check;
ALTER TABLE data_sources ADD CONSTRAINT data_sources_type_check
    CHECK (type IN ('service', 'otel-collector', 'telegraf', 'fluent-bit', 'alertmanager', 'prometheus', 'other'));

CREATE INDEX idx_data_sources_last_seen ON data_sources (last_seen DESC);
