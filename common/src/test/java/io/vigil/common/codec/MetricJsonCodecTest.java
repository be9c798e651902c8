package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricJsonCodecTest {
  private final MetricJsonCodec codec =
      new MetricJsonCodec(new MetricJsonCodec.Limits(2048, 946_684_800_000L, 4_102_444_800_000L));

  private MetricJsonCodec.Result decode(String s) {
    return codec.decode(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decodesAnObjectWithEpochMillis() {
    var r =
        decode(
            "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"tags\":{\"b\":\"2\",\"a\":1},"
                + "\"timestamp\":1700000000000,\"value\":1.5,\"extra\":true}");
    assertThat(r.errors()).isEmpty();
    assertThat(r.points())
        .containsExactly(
            new MetricPoint("t", "s", "m", Map.of("a", "1", "b", "2"), 1700000000000L, 1.5));
  }

  @Test
  void decodesRfc3339WithOffsetsToTheSameInstant() {
    var a =
        decode(
            "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":\"2024-05-01T12:00:00Z\",\"value\":1}");
    var b =
        decode(
            "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":\"2024-05-01T14:00:00.000+02:00\",\"value\":1}");
    assertThat(a.points().get(0).timestamp())
        .isEqualTo(1714564800000L)
        .isEqualTo(b.points().get(0).timestamp());
  }

  @Test
  void anArrayKeepsGoodElementsAndReportsBadOnesByIndex() {
    var r =
        decode(
            "[{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":1},"
                + "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000000000},"
                + "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000060000,\"value\":2}]");
    assertThat(r.points()).extracting(MetricPoint::value).containsExactly(1.0, 2.0);
    assertThat(r.errors()).containsExactly("[1] missing field 'value'");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {not json                                                                              | invalid JSON
          ''                                                                                     | empty message
          []                                                                                     | empty JSON array
          42                                                                                     | expected a JSON object, got number
          {"source":"s","metric":"m","timestamp":1700000000000,"value":1}                        | missing field 'tenant'
          {"tenant":"","source":"s","metric":"m","timestamp":1700000000000,"value":1}            | field 'tenant' must have 1..256 characters
          {"tenant":7,"source":"s","metric":"m","timestamp":1700000000000,"value":1}             | field 'tenant' must be a string
          {"tenant":"t","source":"s","metric":"m","timestamp":1700000000000,"value":NaN}         | invalid JSON
          {"tenant":"t","source":"s","metric":"m","timestamp":1700000000000,"value":1e999}       | field 'value' is not finite
          {"tenant":"t","source":"s","metric":"m","timestamp":1700000000000,"value":"1"}         | field 'value' must be a number
          {"tenant":"t","source":"s","metric":"m","timestamp":1700000000000,"value":null}        | missing field 'value'
          {"tenant":"t","source":"s","metric":"m","timestamp":5,"value":1}                       | timestamp 5 outside the accepted range
          {"tenant":"t","source":"s","metric":"m","timestamp":99999999999999,"value":1}          | timestamp 99999999999999 outside the accepted range
          {"tenant":"t","source":"s","metric":"m","timestamp":"yesterday","value":1}             | field 'timestamp' is not RFC 3339
          {"tenant":"t","source":"s","metric":"m","timestamp":1.5,"value":1}                     | field 'timestamp' must be epoch millis or an RFC 3339 string
          {"tenant":"t","source":"s","metric":"m","tags":[],"timestamp":1700000000000,"value":1} | field 'tags' must be an object of strings
          {"tenant":"t","source":"s","metric":"m","tags":{"a":{}},"timestamp":1700000000000,"value":1} | tag 'a' must be a string
          {"tenant":"t","source":"s","metric":"m","timestamp":1700000000000,"value":1} trailing    | invalid JSON
          """)
  void rejectsBadRecordsWithAReason(String json, String reason) {
    var r = decode(json);
    assertThat(r.points()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    assertThat(r.errors().get(0)).startsWith(reason);
  }

  @Test
  void rejectsOversizedDeeplyNestedAndInvalidUtf8Messages() {
    assertThat(decode("{\"x\":\"" + "a".repeat(3000) + "\"}").errors())
        .singleElement()
        .asString()
        .startsWith("oversized message");
    assertThat(decode("[".repeat(100) + "]".repeat(100)).errors())
        .singleElement()
        .asString()
        .startsWith("invalid JSON");
    assertThat(
            codec
                .decode(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'})
                .errors())
        .singleElement()
        .asString()
        .startsWith("invalid JSON");
    assertThat(codec.decode(null).errors()).containsExactly("empty message");
  }

  @Test
  void encodeThenDecodeIsTheIdentity() {
    MetricPoint p = new MetricPoint("t", "s", "m", Map.of("k", "v"), 1700000000123L, -0.25);
    assertThat(codec.decode(MetricJsonCodec.encode(p)).points()).containsExactly(p);
  }

  @Test
  void anAllowListOfTenantsRejectsEveryOtherTenantWithAReason() {
    var strict =
        new MetricJsonCodec(
            new MetricJsonCodec.Limits(
                2048, 946_684_800_000L, 4_102_444_800_000L, java.util.Set.of("acme")));
    String point =
        "{\"tenant\":\"%s\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":1}";
    var ok = strict.decode(String.format(point, "acme").getBytes(StandardCharsets.UTF_8));
    var other = strict.decode(String.format(point, "mallory").getBytes(StandardCharsets.UTF_8));
    assertThat(ok.points()).hasSize(1);
    assertThat(other.points()).isEmpty();
    assertThat(other.errors()).containsExactly("unknown tenant 'mallory'");
    assertThat(decode(String.format(point, "mallory")).points())
        .as("no list: any tenant")
        .hasSize(1);
  }
}
