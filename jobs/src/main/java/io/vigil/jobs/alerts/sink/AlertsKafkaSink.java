package io.vigil.jobs.alerts.sink;

import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertTransition;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * Publishes transitions as Alertmanager-shaped JSON, keyed by fingerprint so one alert's
 * transitions stay in order on one partition.
 */
public final class AlertsKafkaSink {
  private AlertsKafkaSink() {}

  public static KafkaSink<AlertTransition> create(String bootstrap, String topic) {
    return KafkaSink.<AlertTransition>builder()
        .setBootstrapServers(bootstrap)
        .setRecordSerializer(
            KafkaRecordSerializationSchema.<AlertTransition>builder()
                .setTopic(topic)
                .setKeySerializationSchema(new FingerprintKey())
                .setValueSerializationSchema(new AlertJson())
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  /** The record key: the alert fingerprint. */
  static final class FingerprintKey implements SerializationSchema<AlertTransition> {
    @Override
    public byte[] serialize(AlertTransition t) {
      return t.fingerprint().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The record value: {@link AlertJsonCodec#toBytes}. */
  static final class AlertJson implements SerializationSchema<AlertTransition> {
    @Override
    public byte[] serialize(AlertTransition t) {
      return AlertJsonCodec.toBytes(t);
    }
  }
}
