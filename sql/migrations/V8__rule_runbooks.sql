-- Vigil schema, version 8: a rule's runbook. Every alert of the rule carries it as the runbook_url
-- annotation (with the rule's description as rule_description), so the person paged has the link.

ALTER TABLE alert_rules ADD COLUMN runbook_url TEXT;
