package io.vigil.jobs.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterSerializationSchemaTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode serialize(byte[] raw) throws Exception {
    var d = new DeadLetter("parse", "why", "t", 1, 42, 7, raw);
    return MAPPER.readTree(new DeadLetterSerializationSchema().serialize(d));
  }

  @Test
  void keepsSmallRecordsWhole() throws Exception {
    JsonNode n = serialize("{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(n.get("raw").asText()).isEqualTo("{not json");
    assertThat(Base64.getDecoder().decode(n.get("rawBase64").asText()))
        .isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(n.has("rawTruncated")).isFalse();
    assertThat(n.get("offset").asLong()).isEqualTo(42);
  }

  @Test
  void aHugeRecordIsCutSoTheDeadLetterStaysBelowKafkasMessageLimit() throws Exception {
    byte[] huge = new byte[900 * 1024];
    Arrays.fill(huge, (byte) 'x');
    byte[] bytes =
        new DeadLetterSerializationSchema()
            .serialize(new DeadLetter("parse", "why", "t", 1, 42, 7, huge));
    assertThat(bytes.length).isLessThan(1_000_000);
    JsonNode n = MAPPER.readTree(bytes);
    assertThat(n.get("rawTruncated").asBoolean()).isTrue();
    assertThat(n.get("rawBytes").asInt()).isEqualTo(huge.length);
    assertThat(n.get("rawSha256").asText()).hasSize(64);
    assertThat(Base64.getDecoder().decode(n.get("rawBase64").asText()))
        .hasSize(DeadLetterSerializationSchema.MAX_RAW_BYTES);
  }
}
