package io.vigil.jobs.logs.functions;

/**
 * A row of {@code log_templates}: cumulative figures from state, so a replay rewrites the same
 * numbers. {@code aliasOf} is the surviving template's id when this one was merged into it.
 */
public record TemplateRow(
    String tenant,
    String service,
    String templateId,
    String template,
    String example,
    long firstSeen,
    long lastSeen,
    long count,
    String aliasOf) {}
