package io.vigil.jobs.sink;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.DeadLetterSerializationSchema;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/** The exactly-once Kafka sink of dead letters: transactions commit with the checkpoint. */
public final class DeadLetterKafkaSink {
  /** Below the broker's default transaction.max.timeout.ms (15 min). */
  static final String TRANSACTION_TIMEOUT_MS = "600000";

  private DeadLetterKafkaSink() {}

  public static KafkaSink<DeadLetter> create(VigilConfig config, String topic, String idSuffix) {
    Properties props = new Properties();
    props.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(config.get(VigilOptions.KAFKA_BOOTSTRAP))
        .setKafkaProducerConfig(props)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<DeadLetter>builder()
                .setTopic(topic)
                .setValueSerializationSchema(new DeadLetterSerializationSchema())
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(config.get(VigilOptions.TRANSACTIONAL_ID_PREFIX) + "-" + idSuffix)
        .build();
  }
}
