-- Vigil schema, version 13: the service catalog. The metrics and log jobs register every tenant and
-- service they read data from (tenants.slug = the data's tenant, services.slug = its source or
-- service), with when it was first and last seen (event time; last_seen to within an hour) and
-- which signals it sends (metrics, logs). Slugs are widened to what a source name can be.

ALTER TABLE tenants
    ALTER COLUMN slug TYPE VARCHAR(255),
    ALTER COLUMN name TYPE VARCHAR(255);

ALTER TABLE services
    ALTER COLUMN slug TYPE VARCHAR(255),
    ALTER COLUMN name TYPE VARCHAR(255),
    ADD COLUMN first_seen TIMESTAMPTZ,
    ADD COLUMN last_seen  TIMESTAMPTZ,
    ADD COLUMN signals    TEXT[] NOT NULL DEFAULT '{}';

CREATE INDEX idx_services_last_seen ON services (last_seen DESC);
