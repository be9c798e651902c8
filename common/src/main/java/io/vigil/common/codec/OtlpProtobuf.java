package io.vigil.common.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.nio.charset.StandardCharsets;

/**
 * The OpenTelemetry Collector's {@code otlp_proto} encoding (its Kafka exporter's default): an
 * {@code ExportMetricsServiceRequest} or {@code ExportLogsServiceRequest} in protobuf, read with
 * OpenTelemetry's generated classes and printed by protobuf's {@link JsonFormat} as the {@code
 * otlp_json} the OTLP codecs read (enums as numbers, as OTLP's JSON encoding writes them), so both
 * encodings go through the same checks. Binary that is not such a request (it does not parse, it
 * has fields OTLP does not define, or it holds no resource) is not guessed at: the caller reports
 * it as binary data.
 */
final class OtlpProtobuf {
  private OtlpProtobuf() {}

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace();

  /** The message as OTLP JSON if it is an OTLP metrics request in protobuf, else null. */
  static byte[] metrics(byte[] message) {
    try {
      ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(message);
      return r.getResourceMetricsCount() == 0 ? null : json(r);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** The message as OTLP JSON if it is an OTLP logs request in protobuf, else null. */
  static byte[] logs(byte[] message) {
    try {
      ExportLogsServiceRequest r = ExportLogsServiceRequest.parseFrom(message);
      return r.getResourceLogsCount() == 0 ? null : json(r);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  private static byte[] json(Message m) throws InvalidProtocolBufferException {
    if (!m.getUnknownFields().asMap().isEmpty()) {
      return null; // parsed, but not what OTLP defines: some other binary
    }
    return PRINTER.print(m).getBytes(StandardCharsets.UTF_8);
  }
}
