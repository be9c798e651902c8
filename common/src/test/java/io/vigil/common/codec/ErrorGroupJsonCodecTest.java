package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.logs.ErrorGroupRow;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorGroupJsonCodecTest {
  static final ErrorGroupRow GROUP =
      new ErrorGroupRow(
          "acme",
          "checkout",
          "9f0c",
          "77ab",
          "gateway timeout after <*> ms",
          "ERROR",
          "gateway timeout after 3000 ms \"quoted\"",
          1_764_928_260_000L,
          1_764_928_320_000L,
          412,
          87,
          false,
          null);

  static ErrorGroupJsonCodec.Result decode(String json) {
    return ErrorGroupJsonCodec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aGroupComesBackAsItWasWritten() throws Exception {
    byte[] message = ErrorGroupJsonCodec.encode(GROUP);
    assertThat(ErrorGroupJsonCodec.decode(message).group()).isEqualTo(GROUP);
    assertThat(new ObjectMapper().readTree(message).get("first_seen_at").asText())
        .isEqualTo("2025-12-05T09:51:00Z");
    ErrorGroupRow merged =
        new ErrorGroupRow("acme", "checkout", "1", "2", "", "FATAL", "x", 5, 5, 1, 1, true, "9f0c");
    assertThat(ErrorGroupJsonCodec.decode(ErrorGroupJsonCodec.encode(merged)).group())
        .isEqualTo(merged);
  }

  @Test
  void unusableMessagesSayWhy() {
    assertThat(ErrorGroupJsonCodec.decode(new byte[0]).error())
        .isEqualTo("an error group must be a JSON object");
    assertThat(decode("{nope").error()).startsWith("invalid JSON");
    assertThat(decode("[1]").error()).isEqualTo("an error group must be a JSON object");
    String ok =
        "\"tenant\":\"acme\",\"service\":\"checkout\",\"error_hash\":\"h\",\"template\":\"t\"";
    assertThat(decode("{" + ok + ",\"first_seen\":1,\"last_seen\":2,\"count\":3}").group())
        .isNotNull();
    assertThat(decode("{\"tenant\":\"acme\",\"service\":\"\",\"error_hash\":\"h\"}").error())
        .isEqualTo("field 'service' must be a non-empty string");
    assertThat(decode("{" + ok + ",\"first_seen\":1,\"last_seen\":2}").error())
        .isEqualTo("field 'count' must be a whole number >= 0");
    assertThat(decode("{" + ok + ",\"first_seen\":\"1\",\"last_seen\":2,\"count\":3}").error())
        .isEqualTo("field 'first_seen' must be a whole number >= 0");
    assertThat(decode("{" + ok + ",\"first_seen\":1,\"last_seen\":2,\"count\":-3}").error())
        .isEqualTo("field 'count' must be a whole number >= 0");
    assertThat(decode("{" + ok + ",\"first_seen\":3,\"last_seen\":2,\"count\":3}").error())
        .isEqualTo("'first_seen' is after 'last_seen'");
  }
}
