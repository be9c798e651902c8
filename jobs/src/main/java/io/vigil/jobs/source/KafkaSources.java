package io.vigil.jobs.source;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.RawRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the Kafka sources of Vigil's jobs from configuration. */
public final class KafkaSources {
  private KafkaSources() {}

  /**
   * Raw records of one topic; read-committed, offsets committed on checkpoints. Bounded sources
   * also end after a restore from a savepoint (see {@link RestoredBoundedKafkaSource}).
   */
  @SuppressWarnings("deprecation")
  public static RestoredBoundedKafkaSource<RawRecord> raw(
      VigilConfig config, String topic, String groupId) {
    KafkaSourceBuilder<RawRecord> b =
        KafkaSource.<RawRecord>builder()
            .setBootstrapServers(config.get(VigilOptions.KAFKA_BOOTSTRAP))
            .setTopics(topic)
            .setGroupId(groupId)
            .setDeserializer(new RawRecordDeserializationSchema())
            .setProperty("isolation.level", "read_committed")
            .setProperty("commit.offsets.on.checkpoint", "true")
            .setProperty("partition.discovery.interval.ms", "60000");
    switch (config.get(VigilOptions.STARTING_OFFSETS)) {
      case "earliest" -> b.setStartingOffsets(OffsetsInitializer.earliest());
      case "latest" -> b.setStartingOffsets(OffsetsInitializer.latest());
      default ->
          b.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
    }
    if (config.get(VigilOptions.BOUNDED)) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return new RestoredBoundedKafkaSource<>(b.build());
  }
}
