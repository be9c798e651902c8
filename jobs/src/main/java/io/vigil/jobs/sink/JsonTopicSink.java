package io.vigil.jobs.sink;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.source.KafkaSources;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What a job publishes for other jobs and tools to read (its anomalies, the log job's error
 * groups): JSON values, keyed so that one service's records stay in order on one partition, exactly
 * once (the transaction commits with the checkpoint, so a {@code read_committed} consumer sees each
 * record once per run).
 */
final class JsonTopicSink {
  private JsonTopicSink() {}

  static <T> KafkaSink<T> create(
      VigilConfig config,
      String topic,
      String idSuffix,
      SerializationSchema<T> key,
      SerializationSchema<T> value) {
    Properties props = new Properties();
    props.setProperty("transaction.timeout.ms", DeadLetterKafkaSink.TRANSACTION_TIMEOUT_MS);
    return KafkaSink.<T>builder()
        .setBootstrapServers(config.get(VigilOptions.KAFKA_BOOTSTRAP))
        .setKafkaProducerConfig(props)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(key)
                .setValueSerializationSchema(value)
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(config.get(VigilOptions.TRANSACTIONAL_ID_PREFIX) + "-" + idSuffix)
        .build();
  }

  /**
   * The sink of the topic of {@code option}, which is created when missing, or null when the option
   * is empty. A topic that can't be created fails the start: the operator asked for it.
   */
  static <T> KafkaSink<T> forOption(
      VigilConfig config,
      ConfigOption<String> option,
      String idSuffix,
      SerializationSchema<T> key,
      SerializationSchema<T> value) {
    String topic = config.get(option);
    if (topic.isEmpty()) {
      return null;
    }
    if (!KafkaSources.ensureTopic(config, topic)) {
      throw new IllegalStateException(
          option.key()
              + " '"
              + topic
              + "' is missing and could not be created: create it, or set the option empty to"
              + " publish nothing there");
    }
    return create(config, topic, idSuffix, key, value);
  }

  /**
   * Sends {@code records} to the topic of {@code option} ({@link #forOption}); nothing when the
   * option is empty.
   *
   * @param name the records' name in the sink's uid and transactional ids ({@code job-name}:
   *     distinct per job, frozen once released)
   */
  static <T> void publish(
      DataStream<T> records,
      VigilConfig config,
      ConfigOption<String> option,
      String job,
      String name,
      SerializationSchema<T> key,
      SerializationSchema<T> value) {
    KafkaSink<T> sink = forOption(config, option, job + "-" + name, key, value);
    if (sink != null) {
      records
          .sinkTo(sink)
          .uid(job + "-" + name + "-kafka-sink")
          .name("Publish " + name + " to Kafka " + config.get(option));
    }
  }
}
