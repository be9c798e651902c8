package io.vigil.jobs.sink;

import io.vigil.common.codec.ErrorGroupJsonCodec;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Publishes the log job's error groups to {@code kafka.error-groups-topic} ({@link
 * ErrorGroupJsonCodec}) whenever their figures change, keyed by tenant and service ({@code
 * acme/checkout}), exactly once. After a restore a group's figures may come again, cumulative as
 * they are: a consumer keeps the latest message per error hash.
 */
public final class ErrorGroupKafkaSink {
  private ErrorGroupKafkaSink() {}

  /**
   * The sink of the configured topic (created when missing), or null when the option is empty; a
   * topic that can't be created fails the start.
   */
  public static Sink<ErrorGroupRow> create(VigilConfig config) {
    return JsonTopicSink.forOption(
        config,
        VigilOptions.ERROR_GROUPS_TOPIC,
        "logs-error-groups",
        new ServiceKey(),
        new ErrorGroupJson());
  }

  /** The record key: tenant and service (a class: the Kafka sink infers the type from it). */
  static final class ServiceKey implements SerializationSchema<ErrorGroupRow> {
    @Override
    public byte[] serialize(ErrorGroupRow g) {
      return (g.tenant() + "/" + g.service()).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The record value: {@link ErrorGroupJsonCodec#encode}. */
  static final class ErrorGroupJson implements SerializationSchema<ErrorGroupRow> {
    @Override
    public byte[] serialize(ErrorGroupRow g) {
      return ErrorGroupJsonCodec.encode(g);
    }
  }
}
