package io.vigil.jobs.logs.functions;

/**
 * What the job keeps per error group: severity of the latest event, first example, first and last
 * event time, events, the affected-users counter in its binary form ({@code
 * AffectedUsersCounter.snapshot}: exact hashes up to 1,000 users, then a 3 KB HyperLogLog), and
 * whether the row changed since it was last written.
 */
public record ErrorGroupState(
    String severity,
    String example,
    long firstSeen,
    long lastSeen,
    long count,
    byte[] users,
    boolean dirty) {}
