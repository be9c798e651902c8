package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.logs.LogLevels;
import io.vigil.common.model.LogEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogCodecTest {
  private static final long KAFKA_TIME = 1_700_000_000_000L;
  private static final LogCodec.Settings SETTINGS =
      new LogCodec.Settings(
          new MetricJsonCodec.Limits(4096, 946_684_800_000L, 4_102_444_800_000L),
          LogCodec.Input.AUTO,
          "<Date> <Time> <Level> <Component>: <Content>",
          "acme",
          "legacy");
  private final LogCodec codec = new LogCodec(SETTINGS);

  private LogCodec.Result decode(String s) {
    return codec.decode(s.getBytes(StandardCharsets.UTF_8), KAFKA_TIME);
  }

  @Test
  void recordsOfTenantsOutsideTheAllowListAreRejectedWithTheReason() {
    LogCodec allowList =
        new LogCodec(
            new LogCodec.Settings(
                new MetricJsonCodec.Limits(
                    4096, 946_684_800_000L, 4_102_444_800_000L, java.util.Set.of("acme")),
                LogCodec.Input.AUTO,
                "<Date> <Time> <Level> <Component>: <Content>",
                "acme",
                "legacy"));
    String json =
        "{\"timestamp\":\"2024-05-01T12:00:00Z\",\"tenant\":\"%s\",\"service\":\"s\","
            + "\"message\":\"hello\"}";
    var foreign = allowList.decode(String.format(json, "intruder").getBytes(), KAFKA_TIME);
    assertThat(foreign.events()).isEmpty();
    assertThat(foreign.format()).as("kept through the allow-list").isEqualTo(WireFormat.VIGIL_JSON);
    assertThat(foreign.errors()).containsExactly("unknown tenant 'intruder'");
    var own = allowList.decode(String.format(json, "acme").getBytes(), KAFKA_TIME);
    assertThat(own.errors()).isEmpty();
    assertThat(own.events()).extracting(LogEvent::tenant).containsExactly("acme");
    var raw =
        allowList.decode(
            "2024-05-01 12:00:00 INFO Db: connected".getBytes(StandardCharsets.UTF_8), KAFKA_TIME);
    assertThat(raw.errors()).isEmpty();
    assertThat(raw.events()).extracting(LogEvent::tenant).containsExactly("acme");
    // without an allow-list every tenant is accepted
    assertThat(decode(String.format(json, "intruder")).events()).hasSize(1);
  }

  @Test
  void decodesVigilJson() {
    var r =
        decode(
            "{\"timestamp\":\"2024-05-01T12:00:00Z\",\"tenant\":\"t\",\"service\":\"checkout\","
                + "\"severity\":\"warning\",\"message\":\"slow query 12 ms\","
                + "\"attributes\":{\"user_id\":\"u1\",\"n\":3}}");
    assertThat(r.errors()).isEmpty();
    assertThat(r.events())
        .containsExactly(
            new LogEvent(
                "t",
                "checkout",
                1714564800000L,
                LogLevels.WARN,
                "slow query 12 ms",
                Map.of("user_id", "u1", "n", "3")));
    assertThat(r.events().get(0).user()).isEqualTo("u1");
    assertThat(r.format()).isEqualTo(WireFormat.VIGIL_JSON);
  }

  @Test
  void jsonLinesAndArraysGiveOneEventPerElementAndReportBadOnesByPlace() {
    var lines =
        decode(
            "{\"timestamp\":1700000000000,\"service\":\"s\",\"message\":\"a\"}\n"
                + "{\"timestamp\":1700000000001,\"service\":\"s\"}\n"
                + "{\"timestamp\":1700000000002,\"service\":\"s\",\"message\":\"c\"}");
    assertThat(lines.events()).extracting(LogEvent::message).containsExactly("a", "c");
    assertThat(lines.errors()).containsExactly("line 2: missing field 'message'");
    assertThat(lines.events().get(0).tenant()).isEqualTo("acme");
    var array = decode("[{\"timestamp\":1700000000000,\"message\":\"a\"},{\"message\":\"b\"}]");
    assertThat(array.events()).hasSize(1);
    assertThat(array.events().get(0).service()).isEqualTo("legacy");
    assertThat(array.errors()).containsExactly("[1] missing field 'timestamp'");
  }

  @Test
  void encodeAndDecodeRoundTrip() {
    LogEvent e = new LogEvent("t", "s", KAFKA_TIME, LogLevels.ERROR, "boom", Map.of("user", "bob"));
    var r = codec.decode(LogJsonCodec.encode(e), 0);
    assertThat(r.events()).containsExactly(e);
  }

  @Test
  void decodesAnOtlpJsonExportRequest() {
    String otlp =
        """
        {"resourceLogs":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"payments"}},
            {"key":"tenant","value":{"stringValue":"globex"}}]},
          "scopeLogs":[{"scope":{"name":"app"},"logRecords":[
            {"timeUnixNano":"1700000000123456789","severityNumber":17,"severityText":"",
             "body":{"stringValue":"card declined for order 42"},
             "attributes":[{"key":"enduser.id","value":{"stringValue":"u9"}},
                           {"key":"retries","value":{"intValue":"2"}}]},
            {"observedTimeUnixNano":1700000001000000000,"severityText":"Information",
             "body":{"stringValue":"ok"}},
            {"timeUnixNano":"1700000002000000000","body":{"intValue":"5"},"severityNumber":"SEVERITY_NUMBER_WARN"},
            {"timeUnixNano":"soon","body":{"stringValue":"bad time"}},
            {"timeUnixNano":"1700000003000000000"}
          ]}]}]}
        """;
    var r = decode(otlp);
    assertThat(r.events()).hasSize(3);
    LogEvent e = r.events().get(0);
    assertThat(e.tenant()).isEqualTo("globex");
    assertThat(e.service()).isEqualTo("payments");
    assertThat(e.timestamp()).isEqualTo(1700000000123L);
    assertThat(e.severity()).isEqualTo(LogLevels.ERROR);
    assertThat(e.message()).isEqualTo("card declined for order 42");
    assertThat(e.user()).isEqualTo("u9");
    assertThat(e.attributes())
        .containsEntry("retries", "2")
        .containsEntry("resource.service.name", "payments");
    assertThat(r.events().get(1).severity()).isEqualTo(LogLevels.INFO);
    assertThat(r.events().get(1).timestamp()).isEqualTo(1700000001000L);
    assertThat(r.events().get(2).severity()).isEqualTo(LogLevels.WARN);
    assertThat(r.events().get(2).message()).isEqualTo("5");
    assertThat(r.errors())
        .containsExactly(
            "resourceLogs[0].scopeLogs[0].logRecords[3] field 'timeUnixNano' must be an integer"
                + " of nanoseconds",
            "resourceLogs[0].scopeLogs[0].logRecords[4] missing or empty 'body'");
  }

  @Test
  void decodesAnOtlpProtobufExportRequestAsTheSameRequestInJson() {
    var logs = io.opentelemetry.proto.logs.v1.LogRecord.newBuilder();
    var request =
        io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                io.opentelemetry.proto.logs.v1.ResourceLogs.newBuilder()
                    .setResource(OtlpProtos.resource("payments", "globex"))
                    .addScopeLogs(
                        io.opentelemetry.proto.logs.v1.ScopeLogs.newBuilder()
                            .addLogRecords(
                                logs.clone()
                                    .setTimeUnixNano(1_700_000_000_123_456_789L)
                                    .setSeverityNumber(
                                        io.opentelemetry.proto.logs.v1.SeverityNumber
                                            .SEVERITY_NUMBER_ERROR)
                                    .setBody(OtlpProtos.text("card declined for order 42"))
                                    .addAttributes(OtlpProtos.kv("enduser.id", "u9"))
                                    .setTraceId(
                                        com.google.protobuf.ByteString.copyFrom(new byte[16])))
                            .addLogRecords(
                                logs.clone()
                                    .setObservedTimeUnixNano(1_700_000_001_000_000_000L)
                                    .setSeverityText("Information")
                                    .setBody(OtlpProtos.text("ok")))))
            .build();
    String json =
        """
        {"resourceLogs":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"payments"}},
            {"key":"tenant","value":{"stringValue":"globex"}}]},
          "scopeLogs":[{"logRecords":[
            {"timeUnixNano":"1700000000123456789","severityNumber":17,
             "body":{"stringValue":"card declined for order 42"},
             "attributes":[{"key":"enduser.id","value":{"stringValue":"u9"}}],
             "traceId":"00000000000000000000000000000000"},
            {"observedTimeUnixNano":"1700000001000000000","severityText":"Information",
             "body":{"stringValue":"ok"}}]}]}]}
        """;
    var fromJson = decode(json);
    assertThat(fromJson.errors()).isEmpty();
    assertThat(fromJson.events()).hasSize(2);
    var fromProto = codec.decode(request.toByteArray(), KAFKA_TIME);
    assertThat(fromProto.errors()).isEmpty();
    assertThat(fromProto.events()).containsExactlyElementsOf(fromJson.events());
    assertThat(fromJson.format()).isEqualTo(WireFormat.OTLP_JSON);
    assertThat(fromProto.format()).isEqualTo(WireFormat.OTLP_PROTO);
  }

  @Test
  void decodesRawLinesWithTheHeaderFormat() {
    var r =
        decode(
            "2024-05-01 12:00:00,250 ERROR db.Pool: connection reset by peer\n"
                + "\n"
                + "garbage without a header\n"
                + "05/01 12:00 INFO web: GET /index 200");
    assertThat(r.events()).hasSize(2);
    LogEvent e = r.events().get(0);
    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.service()).isEqualTo("legacy");
    assertThat(e.timestamp()).isEqualTo(1714564800250L);
    assertThat(e.severity()).isEqualTo(LogLevels.ERROR);
    assertThat(e.message()).isEqualTo("connection reset by peer");
    assertThat(e.attributes()).containsEntry("component", "db.Pool");
    assertThat(r.events().get(1).timestamp())
        .as("unparseable date: Kafka time")
        .isEqualTo(KAFKA_TIME);
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0)).startsWith("line 3: line does not fit logs.raw-format");
    assertThat(r.format()).isEqualTo(WireFormat.RAW_LINES);
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '#',
      textBlock =
          """
          {not json                                                      # invalid JSON:
          []                                                             # empty JSON array
          {"timestamp":1700000000000,"message":7}                         # field 'message' must be a string
          {"timestamp":1700000000000,"message":"  "}                      # field 'message' is blank
          {"timestamp":0,"message":"m"}                                   # timestamp 0 outside the accepted range
          {"timestamp":"yesterday","message":"m"}                         # field 'timestamp' is not RFC 3339
          {"timestamp":1700000000000,"message":"m","service":""}           # field 'service' must have 1..256 characters
          {"timestamp":1700000000000,"message":"m","attributes":[1]}      # field 'attributes' must be an object
          {"resourceLogs":{}}                                            # OTLP: field 'resourceLogs' must be an array
          {"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]}]}            # OTLP: no log records
          """)
  void badMessagesGiveAReasonAndNoEvent(String message, String reason) {
    var r = decode(message);
    assertThat(r.events()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0)).startsWith(reason);
  }

  @Test
  void emptyOversizedAndInvalidUtf8MessagesAreRejected() {
    assertThat(codec.decode(new byte[0], 0).errors()).containsExactly("empty message");
    assertThat(codec.decode("   \n ".getBytes(StandardCharsets.UTF_8), 0).errors())
        .containsExactly("empty message");
    assertThat(codec.decode(new byte[5000], 0).errors().get(0)).startsWith("oversized message");
    assertThat(codec.decode(new byte[] {'a', (byte) 0xff, 'b'}, 0).errors())
        .containsExactly("raw log text is not valid UTF-8");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "warning, WARN", "Warn, WARN", "E, ERROR", "err, ERROR", "SEVERE, ERROR", "crit, FATAL",
    "emerg, FATAL", "notice, INFO", "INFO2, INFO", "debug, DEBUG", "trace, TRACE",
        "loud, UNSPECIFIED"
  })
  void severitiesAreNormalised(String text, String level) {
    assertThat(LogLevels.normalize(text)).isEqualTo(level);
  }

  @Test
  void binaryMessagesAreDeadLettersNotLogLines() {
    LogCodec.Result r = codec.decode(MetricCodecTest.OTLP_PROTO, KAFKA_TIME);
    assertThat(r.events()).isEmpty();
    assertThat(r.errors()).containsExactly(MetricCodec.BINARY);
    assertThat(decode("2024-05-01 12:00:00 ERROR disk: \u001b[31mfull\u001b[0m").events())
        .as("terminal colours in a text line are not binary")
        .hasSize(1);
  }
}
