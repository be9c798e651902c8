package io.vigil.jobs.logs.functions;

/**
 * A log event after mining: its template (the id the miner gave it on arrival) and whether it
 * created that template.
 */
public record MinedLog(
    String tenant,
    String service,
    long timestamp,
    String severity,
    long templateId,
    String template,
    boolean created) {}
