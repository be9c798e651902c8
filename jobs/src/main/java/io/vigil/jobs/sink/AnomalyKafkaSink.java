package io.vigil.jobs.sink;

import io.vigil.common.codec.AnomalyJsonCodec;
import io.vigil.common.model.Anomaly;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
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
    return JsonTopicSink.create(config, topic, idSuffix, new ServiceKey(), new AnomalyJson());
  }

  /**
   * Sends {@code anomalies} to the configured topic, creating it when missing; does nothing when
   * the option is empty. A topic that can't be created fails the start: the operator asked for it.
   *
   * @param job the job's name in the sink's uid and transactional ids ({@code metrics}, {@code
   *     logs}, {@code drift}): distinct per job, frozen once released
   */
  public static void publish(DataStream<Anomaly> anomalies, VigilConfig config, String job) {
    JsonTopicSink.publish(
        anomalies,
        config,
        VigilOptions.ANOMALIES_TOPIC,
        job,
        "anomalies",
        new ServiceKey(),
        new AnomalyJson());
  }

  /**
   * The record key: tenant and service. (Classes, not lambdas: the Kafka sink infers the record
   * type from the schema's class.)
   */
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
