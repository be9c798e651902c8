package io.vigil.common.logs;

/**
 * A row of {@code error_groups}: cumulative figures from state. {@code mergedInto} is the error
 * hash of the group this one was folded into when its template merged into another.
 */
public record ErrorGroupRow(
    String tenant,
    String service,
    String errorHash,
    String templateId,
    String template,
    String severity,
    String example,
    long firstSeen,
    long lastSeen,
    long count,
    long affectedUsers,
    boolean usersExact,
    String mergedInto) {}
