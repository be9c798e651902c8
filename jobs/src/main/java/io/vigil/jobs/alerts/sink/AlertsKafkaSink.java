package io.vigil.jobs.alerts.sink;

import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertTransition;
import java.nio.charset.StandardCharsets;
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
                .setKeySerializationSchema(
                    (AlertTransition t) -> t.fingerprint().getBytes(StandardCharsets.UTF_8))
                .setValueSerializationSchema(AlertJsonCodec::toBytes)
                .build())
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }
}
