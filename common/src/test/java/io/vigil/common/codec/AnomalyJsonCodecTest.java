package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.detect.AnomalyBuilder;
import io.vigil.common.detect.Score;
import io.vigil.common.detect.SeverityMapping;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnomalyJsonCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MetricPoint POINT =
      new MetricPoint(
          "acme",
          "checkout",
          "latency_ms",
          Map.of("instance", "i1", "az", "b"),
          1_764_928_260_000L,
          544.4);

  private static Anomaly scored() {
    return AnomalyBuilder.fromScore(
        POINT,
        new Score(0.93, 176.6, 161.8, 191.4, "seasonal", "value 544.4 vs expected 176.6"),
        "vigil-ensemble",
        "7-24dab393",
        SeverityMapping.defaults());
  }

  @Test
  void anAnomalyComesBackAsItWasPublished() throws Exception {
    Anomaly a = scored();
    byte[] message = AnomalyJsonCodec.encode(a);
    AnomalyJsonCodec.Result r = AnomalyJsonCodec.decode(message);
    assertThat(r.error()).isNull();
    Anomaly b = r.anomaly();
    assertThat(b).usingRecursiveComparison().ignoringFields("explanationJson").isEqualTo(a);
    assertThat(JSON.readTree(b.explanationJson())).isEqualTo(JSON.readTree(a.explanationJson()));
    var n = JSON.readTree(message);
    assertThat(n.get("detected_at").asText()).isEqualTo("2025-12-05T09:51:00Z");
    assertThat(n.get("explanation").get("component").asText()).isEqualTo("seasonal");
    assertThat(n.get("severity").asText()).isEqualTo(a.severity().dbName());
  }

  @Test
  void aDropoutHasNoValueAndKeepsNone() {
    Anomaly a =
        AnomalyBuilder.dropout(
            POINT,
            POINT.timestamp() + 300_000,
            60_000,
            0.45,
            "vigil-ensemble",
            "7-24dab393",
            SeverityMapping.defaults());
    byte[] message = AnomalyJsonCodec.encode(a);
    assertThat(new String(message, StandardCharsets.UTF_8)).contains("\"value\":null");
    Anomaly b = AnomalyJsonCodec.decode(message).anomaly();
    assertThat(b.value()).isNaN();
    assertThat(b.id()).isEqualTo(a.id());
    assertThat(b.timestamp()).isEqualTo(POINT.timestamp() + 300_000);
  }

  @Test
  void theSeriesKeyIsRebuiltWhenAMessageLeavesItOut() throws Exception {
    var n =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            JSON.readTree(AnomalyJsonCodec.encode(scored()));
    n.remove("series");
    Anomaly b = AnomalyJsonCodec.decode(JSON.writeValueAsBytes(n)).anomaly();
    assertThat(b.series()).isEqualTo(POINT.series());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json|invalid JSON: ",
        "[1]|expected a JSON object",
        "{\"id\":\"x\"}|field 'id' must be a UUID string",
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\"}|fields 'tenant', 'source' and 'metric' must be non-empty strings",
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\",\"metric\":\"m\",\"tags\":{\"k\":1}}|tag 'k' must be a string",
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":\"today\"}|field 'timestamp' must be epoch milliseconds",
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1,\"score\":2}|field 'score' must be a number in [0, 1]",
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1,\"score\":0.5,\"severity\":\"dire\"}|field 'severity' must be low, medium, high or critical",
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1,\"score\":0.5,\"severity\":\"low\"}|field 'model' must have a non-empty 'algorithm' and 'version'",
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1,\"score\":0.5,\"severity\":\"low\",\"model\":{\"algorithm\":\"x\",\"version\":\"1\"},\"explanation\":\"no\"}|field 'explanation' must be an object",
      })
  void anUnusableMessageGivesItsReason(String message, String reason) {
    AnomalyJsonCodec.Result r = AnomalyJsonCodec.decode(message.getBytes(StandardCharsets.UTF_8));
    assertThat(r.anomaly()).isNull();
    assertThat(r.error()).startsWith(reason);
  }

  @Test
  void theSmallestValidMessageDecodes() {
    String m =
        "{\"id\":\"6f1c7f59-4b5f-3c4e-9f4a-1d2e3f4a5b6c\",\"tenant\":\"a\",\"source\":\"s\","
            + "\"metric\":\"m\",\"timestamp\":1,\"score\":0.5,\"severity\":\"low\","
            + "\"model\":{\"algorithm\":\"x\",\"version\":\"1\"},\"explanation\":{}}";
    Anomaly a = AnomalyJsonCodec.decode(m.getBytes(StandardCharsets.UTF_8)).anomaly();
    assertThat(a.tags()).isEmpty();
    assertThat(a.value()).isNaN();
    assertThat(a.series()).isEqualTo(io.vigil.common.model.SeriesKey.of("a", "s", "m", Map.of()));
  }
}
