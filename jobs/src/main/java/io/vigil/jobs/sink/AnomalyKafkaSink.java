package io.vigil.jobs.sink;

import io.vigil.common.codec.AnomalyJsonCodec;
import io.vigil.common.model.Anomaly;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.source.KafkaSources;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Publishes a job's anomalies to {@code kafka.anomalies-topic} ({@link AnomalyJsonCodec}), keyed by
 * tenant and service ({@code acme/checkout}) so one service's anomalies stay in order on one
 * partition. Exactly once: the transaction commits with the checkpoint, so a {@code read_committed}
 * consumer sees each anomaly once per run; after a restore a re-detected anomaly comes again with
 * the same id (the row it upserts in PostgreSQL is the same too).
 */
public final class AnomalyKafkaSink {
  private AnomalyKafkaSink() {}

  public static KafkaSink<Anomaly> create(VigilConfig config, String topic, String idSuffix) {
    Properties props = new Properties();
    props.setProperty("transaction.timeout.ms", DeadLetterKafkaSink.TRANSACTION_TIMEOUT_MS);
    return KafkaSink.<Anomaly>builder()
        .setBootstrapServers(config.get(VigilOptions.KAFKA_BOOTSTRAP))
        .setKafkaProducerConfig(props)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<Anomaly>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new ServiceKey())
                .setValueSerializationSchema(new AnomalyJson())
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(config.get(VigilOptions.TRANSACTIONAL_ID_PREFIX) + "-" + idSuffix)
        .build();
  }

  /**
   * Sends {@code anomalies} to the configured topic, creating it when missing; does nothing when
   * the option is empty. A topic that can't be created fails the start: the operator asked for it.
   *
   * @param job the job's name in the sink's uid and transactional ids ({@code metrics}, {@code
   *     logs}, {@code drift}): distinct per job, frozen once released
   */
  public static void publish(DataStream<Anomaly> anomalies, VigilConfig config, String job) {
    String topic = config.get(VigilOptions.ANOMALIES_TOPIC);
    if (topic.isEmpty()) {
      return;
    }
    if (!KafkaSources.ensureTopic(config, topic)) {
      throw new IllegalStateException(
          "kafka.anomalies-topic '"
              + topic
              + "' is missing and could not be created: create it, or set the option empty to"
              + " publish no anomalies");
    }
    anomalies
        .sinkTo(create(config, topic, job + "-anomalies"))
        .uid(job + "-anomalies-kafka-sink")
        .name("Anomalies to Kafka " + topic);
  }

  /** The record key: tenant and service. */
  static final class ServiceKey implements SerializationSchema<Anomaly> {
    @Override
    public byte[] serialize(Anomaly a) {
      return (a.tenant() + "/" + a.source()).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The record value: {@link AnomalyJsonCodec#encode}. */
  static final class AnomalyJson implements SerializationSchema<Anomaly> {
    @Override
    public byte[] serialize(Anomaly a) {
      return AnomalyJsonCodec.encode(a);
    }
  }
}
