-- Vigil schema, version 10: the design documents' webhook_endpoints, as what they are here: the webhook
-- rows of notification_channels (a webhook is one kind of channel, configured in one place). Read-only;
-- add or change an endpoint as a channel (type 'webhook', config {"url": ...}, secret by name).
CREATE VIEW webhook_endpoints AS
SELECT id, tenant, name, config->>'url' AS url, events, status, created_at
FROM notification_channels
WHERE type = 'webhook';
