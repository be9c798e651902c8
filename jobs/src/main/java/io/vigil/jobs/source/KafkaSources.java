package io.vigil.jobs.source;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.RawRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Kafka sources of Vigil's jobs from configuration. */
public final class KafkaSources {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSources.class);

  private KafkaSources() {}

  /**
   * For an optional input: whether {@code topic} exists, creating it (broker defaults) when it does
   * not. A Kafka source on a missing topic fails the whole job, so a caller that gets false should
   * run without that input rather than submit a job that can't start.
   */
  public static boolean ensureTopic(VigilConfig config, String topic) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.get(VigilOptions.KAFKA_BOOTSTRAP),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                15_000))) {
      if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        return true;
      }
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);
      LOG.info("Created Kafka topic {}", topic);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return true;
      }
      LOG.warn(
          "Kafka topic {} is missing and could not be created: {}", topic, e.getCause().toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (TimeoutException | RuntimeException e) {
      LOG.warn("Could not check Kafka topic {}: {}", topic, e.toString());
      return false;
    }
  }

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
