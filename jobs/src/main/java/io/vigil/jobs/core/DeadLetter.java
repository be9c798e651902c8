package io.vigil.jobs.core;

/**
 * A record a job could not use, with the reason and the raw bytes, bound for a dead-letter topic.
 * Offsets are -1 for records that did not come straight from Kafka (for example late points).
 */
public record DeadLetter(
    String stage,
    String reason,
    String topic,
    int partition,
    long offset,
    long kafkaTimestamp,
    byte[] raw) {}
