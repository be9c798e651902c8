package io.vigil.common.codec;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;

/** Pieces of OTLP protobuf requests for the codec tests. */
final class OtlpProtos {
  private OtlpProtos() {}

  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static AnyValue text(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  /** A resource of service {@code service} of tenant {@code tenant}. */
  static Resource resource(String service, String tenant) {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", service))
        .addAttributes(kv("tenant", tenant))
        .build();
  }
}
