package io.vigil.jobs.core;

/** A Kafka record as it arrived, before parsing: where it came from and its raw value bytes. */
public record RawRecord(
    String topic, int partition, long offset, long kafkaTimestamp, byte[] value) {}
