package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.SeriesKey;
import io.vigil.common.model.Severity;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Anomalies as the JSON messages of the anomalies topic, which every Vigil job publishes to and
 * other tools (and the Alertmanager analysis of the metrics job) read:
 *
 * <pre>{@code
 * {"id": "<uuid>", "tenant": "acme", "source": "payments", "metric": "logs", "tags": {},
 *  "series": "...", "timestamp": 1764928260000, "detected_at": "2025-12-05T09:51:00Z",
 *  "value": 45.0, "score": 1.0, "severity": "critical",
 *  "model": {"algorithm": "log-window-chi2", "version": "1"},
 *  "explanation": {"component": "log-window", "why": "...", ...}}
 * }</pre>
 *
 * The id is the anomaly's primary key in PostgreSQL: a replay publishes the same id again, so a
 * consumer deduplicates by it. A value that is not a number (a dropout has none) is {@code null}.
 * Decoding never throws: an unusable message gives the reason.
 */
public final class AnomalyJsonCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AnomalyJsonCodec() {}

  /** A decoded anomaly, or the reason the message is not one. */
  public record Result(Anomaly anomaly, String error) {}

  /** The message of an anomaly (UTF-8 JSON). */
  public static byte[] encode(Anomaly a) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", a.id());
    n.put("tenant", a.tenant());
    n.put("source", a.source());
    n.put("metric", a.metric());
    ObjectNode tags = n.putObject("tags");
    new TreeMap<>(a.tags()).forEach(tags::put);
    n.put("series", a.series());
    n.put("timestamp", a.timestamp());
    n.put("detected_at", Instant.ofEpochMilli(a.timestamp()).toString());
    if (Double.isFinite(a.value())) {
      n.put("value", a.value());
    } else {
      n.putNull("value");
    }
    n.put("score", a.score());
    n.put("severity", a.severity().dbName());
    n.putObject("model").put("algorithm", a.modelAlgorithm()).put("version", a.modelVersion());
    JsonNode explanation;
    try {
      explanation = MAPPER.readTree(a.explanationJson());
    } catch (Exception e) {
      explanation = null;
    }
    if (explanation != null && explanation.isObject()) {
      n.set("explanation", explanation);
    } else {
      n.putObject("explanation").put("why", String.valueOf(a.explanationJson()));
    }
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException("an anomaly that cannot be written as JSON", e);
    }
  }

  /** Decodes one message of the anomalies topic. */
  public static Result decode(byte[] message) {
    JsonNode n;
    try {
      n = message == null || message.length == 0 ? null : MAPPER.readTree(message);
    } catch (Exception e) {
      return failed(
          "invalid JSON: "
              + MetricJsonCodec.abbreviate(String.valueOf(e.getMessage()).split("\n")[0]));
    }
    if (n == null || !n.isObject()) {
      return failed("expected a JSON object");
    }
    String id = text(n, "id");
    if (!isUuid(id)) {
      return failed("field 'id' must be a UUID string");
    }
    String tenant = text(n, "tenant");
    String source = text(n, "source");
    String metric = text(n, "metric");
    if (tenant.isEmpty() || source.isEmpty() || metric.isEmpty()) {
      return failed("fields 'tenant', 'source' and 'metric' must be non-empty strings");
    }
    Map<String, String> tags = new TreeMap<>();
    JsonNode t = n.get("tags");
    if (t != null && !t.isNull()) {
      if (!t.isObject()) {
        return failed("field 'tags' must be an object of strings");
      }
      var fields = t.fields();
      while (fields.hasNext()) {
        var e = fields.next();
        if (!e.getValue().isTextual()) {
          return failed("tag '" + MetricJsonCodec.abbreviate(e.getKey()) + "' must be a string");
        }
        tags.put(e.getKey(), e.getValue().textValue());
      }
    }
    JsonNode ts = n.get("timestamp");
    if (ts == null || !ts.canConvertToLong() || !ts.isIntegralNumber()) {
      return failed("field 'timestamp' must be epoch milliseconds");
    }
    JsonNode value = n.get("value");
    if (value != null && !value.isNull() && !value.isNumber()) {
      return failed("field 'value' must be a number or null");
    }
    JsonNode score = n.get("score");
    if (score == null || !score.isNumber() || !(score.asDouble() >= 0 && score.asDouble() <= 1)) {
      return failed("field 'score' must be a number in [0, 1]");
    }
    Severity severity;
    try {
      severity = Severity.parse(text(n, "severity"));
    } catch (IllegalArgumentException e) {
      return failed("field 'severity' must be low, medium, high or critical");
    }
    JsonNode model = n.path("model");
    String algorithm = text(model, "algorithm");
    String version = text(model, "version");
    if (algorithm.isEmpty() || version.isEmpty()) {
      return failed("field 'model' must have a non-empty 'algorithm' and 'version'");
    }
    JsonNode explanation = n.get("explanation");
    if (explanation == null || !explanation.isObject()) {
      return failed("field 'explanation' must be an object");
    }
    String series = text(n, "series");
    return new Result(
        new Anomaly(
            id,
            tenant,
            source,
            metric,
            tags,
            series.isEmpty() ? SeriesKey.of(tenant, source, metric, tags) : series,
            ts.longValue(),
            value == null || value.isNull() ? Double.NaN : value.doubleValue(),
            score.doubleValue(),
            severity,
            algorithm,
            version,
            explanation.toString()),
        null);
  }

  private static Result failed(String reason) {
    return new Result(null, reason);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? "" : v.textValue();
  }

  private static boolean isUuid(String s) {
    try {
      return s.length() == 36 && UUID.fromString(s) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
