package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.model.Feedback;
import io.vigil.common.model.SeriesKey;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Decodes feedback messages: {@code {"anomaly_id", "is_true_positive", "series" | ("tenant",
 * "source", "metric", "tags"), "author", "notes"}}. Problems become a reason, never an exception.
 */
public final class FeedbackJsonCodec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A decoded verdict, or the reason it could not be decoded. */
  public record Result(Feedback feedback, String error) {}

  /**
   * Decodes one message; {@code origin} (for example topic/partition/offset) seeds the verdict's
   * deterministic id, {@code timestamp} is when it was given.
   */
  public Result decode(byte[] message, String origin, long timestamp) {
    JsonNode n;
    try {
      n = message == null || message.length == 0 ? null : MAPPER.readTree(message);
    } catch (Exception e) {
      return new Result(
          null,
          "invalid JSON: "
              + MetricJsonCodec.abbreviate(String.valueOf(e.getMessage()).split("\n")[0]));
    }
    if (n == null || !n.isObject()) {
      return new Result(null, "expected a JSON object");
    }
    JsonNode anomaly = n.get("anomaly_id");
    if (anomaly == null || !anomaly.isTextual() || !isUuid(anomaly.textValue())) {
      return new Result(null, "field 'anomaly_id' must be a UUID string");
    }
    JsonNode tp = n.get("is_true_positive");
    if (tp == null || !tp.isBoolean()) {
      return new Result(null, "field 'is_true_positive' must be true or false");
    }
    String series = series(n);
    if (series == null) {
      return new Result(null, "needs 'series' or 'tenant', 'source' and 'metric' of the anomaly");
    }
    String id =
        UUID.nameUUIDFromBytes(("feedback|" + origin).getBytes(StandardCharsets.UTF_8)).toString();
    return new Result(
        new Feedback(
            id,
            anomaly.textValue(),
            series,
            tp.booleanValue(),
            text(n, "author"),
            text(n, "notes"),
            timestamp),
        null);
  }

  private static String series(JsonNode n) {
    JsonNode s = n.get("series");
    if (s != null && s.isTextual() && !s.textValue().isEmpty()) {
      return s.textValue();
    }
    String tenant = text(n, "tenant");
    String source = text(n, "source");
    String metric = text(n, "metric");
    if (tenant.isEmpty() || source.isEmpty() || metric.isEmpty()) {
      return null;
    }
    Map<String, String> tags = new TreeMap<>();
    JsonNode t = n.get("tags");
    if (t != null && t.isObject()) {
      t.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
    }
    return SeriesKey.of(tenant, source, metric, tags);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static boolean isUuid(String s) {
    try {
      UUID.fromString(s);
      return s.length() == 36;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
