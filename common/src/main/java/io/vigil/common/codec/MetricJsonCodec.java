package io.vigil.common.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes Vigil's metric JSON: one object {@code {"tenant","source","metric","tags","timestamp",
 * "value"}} (and {@code "cumulative": true} for a running total; a histogram's {@code *_bucket}
 * series with an {@code le} tag is one unless it says {@code false}) or an array of them per
 * message. Every problem becomes a reason string rather than an exception, so a caller can route
 * the record to a dead-letter topic.
 */
public final class MetricJsonCodec implements Serializable {

  private static final long serialVersionUID = 1L;
  static final int MAX_NAME_LENGTH = 256;
  static final int MAX_TAGS = 64;
  static final int MAX_DEPTH = 16;

  private static final ObjectMapper ENCODER = new ObjectMapper();

  private final Limits limits;
  private transient ObjectMapper mapper;

  public MetricJsonCodec(Limits limits) {
    this.limits = limits;
  }

  /**
   * What a message decoded into: the good points, one reason per bad element, and the form the
   * message was taken for (null when it was not recognised at all: empty, oversized).
   */
  public record Result(List<MetricPoint> points, List<String> errors, WireFormat format) {
    public Result(List<MetricPoint> points, List<String> errors) {
      this(points, errors, null);
    }

    /** The same points and errors, taken for {@code f}. */
    public Result as(WireFormat f) {
      return new Result(points, errors, f);
    }
  }

  /** Bounds a message must respect; anything outside is rejected with a reason. */
  public record Limits(
      int maxMessageBytes,
      long minTimestampMillis,
      long maxTimestampMillis,
      java.util.Set<String> tenants)
      implements Serializable {
    /** {@code tenants}: the tenants accepted; empty accepts every tenant. */
    public Limits {
      tenants = tenants == null ? java.util.Set.of() : java.util.Set.copyOf(tenants);
    }

    /** Every tenant accepted. */
    public Limits(int maxMessageBytes, long minTimestampMillis, long maxTimestampMillis) {
      this(maxMessageBytes, minTimestampMillis, maxTimestampMillis, java.util.Set.of());
    }

    /** 1 MiB messages, timestamps from 2000-01-01 to 2100-01-01, every tenant. */
    public static Limits defaults() {
      return new Limits(1 << 20, 946_684_800_000L, 4_102_444_800_000L);
    }
  }

  /** Encodes a point in the same JSON the decoder reads (epoch-millis timestamp). */
  public static byte[] encode(MetricPoint p) {
    com.fasterxml.jackson.databind.node.ObjectNode n = ENCODER.createObjectNode();
    n.put("tenant", p.tenant()).put("source", p.source()).put("metric", p.metric());
    com.fasterxml.jackson.databind.node.ObjectNode tags = n.putObject("tags");
    p.tags().forEach(tags::put);
    n.put("timestamp", p.timestamp()).put("value", p.value());
    if (p.cumulative() || Histograms.isBucket(p)) {
      n.put("cumulative", p.cumulative());
    }
    try {
      return ENCODER.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** Decodes one message. Never throws. */
  public Result decode(byte[] message) {
    List<MetricPoint> points = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    if (message == null || message.length == 0) {
      errors.add("empty message");
      return new Result(points, errors);
    }
    if (message.length > limits.maxMessageBytes()) {
      errors.add("oversized message: " + message.length + " bytes > " + limits.maxMessageBytes());
      return new Result(points, errors);
    }
    JsonNode root;
    try {
      root = mapper().readTree(message);
    } catch (JsonProcessingException e) {
      errors.add("invalid JSON: " + firstLine(e.getOriginalMessage()));
      return new Result(points, errors);
    } catch (IOException | RuntimeException e) {
      errors.add("invalid JSON: " + firstLine(e.getMessage()));
      return new Result(points, errors);
    }
    if (root == null || root.isMissingNode()) {
      errors.add("empty message");
    } else if (root.isArray()) {
      if (root.isEmpty()) {
        errors.add("empty JSON array");
      }
      for (int i = 0; i < root.size(); i++) {
        decodeOne(root.get(i), "[" + i + "] ", points, errors);
      }
    } else {
      decodeOne(root, "", points, errors);
    }
    return new Result(points, errors);
  }

  private void decodeOne(JsonNode n, String where, List<MetricPoint> points, List<String> errors) {
    try {
      points.add(toPoint(n));
    } catch (BadRecord e) {
      errors.add(where + e.getMessage());
    }
  }

  private MetricPoint toPoint(JsonNode n) throws BadRecord {
    if (!n.isObject()) {
      throw new BadRecord("expected a JSON object, got " + n.getNodeType().name().toLowerCase());
    }
    String tenant = name(n, "tenant");
    if (!limits.tenants().isEmpty() && !limits.tenants().contains(tenant)) {
      throw new BadRecord("unknown tenant '" + abbreviate(tenant) + "'");
    }
    String source = name(n, "source");
    String metric = name(n, "metric");
    long ts = timestamp(n.get("timestamp"));
    double value = value(n.get("value"));
    JsonNode cumulative = n.get("cumulative");
    if (cumulative != null && !cumulative.isNull() && !cumulative.isBoolean()) {
      throw new BadRecord("field 'cumulative' must be true or false");
    }
    Map<String, String> tags = tags(n.get("tags"));
    // unless the sender says, a histogram's bucket is a total (Prometheus' convention)
    boolean total =
        cumulative == null || cumulative.isNull()
            ? Histograms.isBucket(metric, tags)
            : cumulative.asBoolean();
    return new MetricPoint(tenant, source, metric, tags, ts, value, total);
  }

  private static String name(JsonNode n, String field) throws BadRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new BadRecord("missing field '" + field + "'");
    }
    if (!v.isTextual()) {
      throw new BadRecord("field '" + field + "' must be a string");
    }
    String s = v.textValue().trim();
    if (s.isEmpty() || s.length() > MAX_NAME_LENGTH) {
      throw new BadRecord("field '" + field + "' must have 1.." + MAX_NAME_LENGTH + " characters");
    }
    return s;
  }

  private long timestamp(JsonNode v) throws BadRecord {
    if (v == null || v.isNull()) {
      throw new BadRecord("missing field 'timestamp'");
    }
    long millis;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      millis = v.longValue();
    } else if (v.isTextual()) {
      millis = parseTime(v.textValue());
    } else {
      throw new BadRecord("field 'timestamp' must be epoch millis or an RFC 3339 string");
    }
    if (millis < limits.minTimestampMillis() || millis >= limits.maxTimestampMillis()) {
      throw new BadRecord(
          "timestamp "
              + millis
              + " outside the accepted range ["
              + Instant.ofEpochMilli(limits.minTimestampMillis())
              + ", "
              + Instant.ofEpochMilli(limits.maxTimestampMillis())
              + ")");
    }
    return millis;
  }

  private static long parseTime(String s) throws BadRecord {
    try {
      return OffsetDateTime.parse(s.trim()).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new BadRecord("field 'timestamp' is not RFC 3339: '" + abbreviate(s) + "'");
    }
  }

  private static double value(JsonNode v) throws BadRecord {
    if (v == null || v.isNull()) {
      throw new BadRecord("missing field 'value'");
    }
    if (!v.isNumber()) {
      throw new BadRecord("field 'value' must be a number");
    }
    double d = v.doubleValue();
    if (!Double.isFinite(d)) {
      throw new BadRecord("field 'value' is not finite");
    }
    return d;
  }

  private static Map<String, String> tags(JsonNode v) throws BadRecord {
    Map<String, String> tags = new TreeMap<>();
    if (v == null || v.isNull()) {
      return tags;
    }
    if (!v.isObject()) {
      throw new BadRecord("field 'tags' must be an object of strings");
    }
    if (v.size() > MAX_TAGS) {
      throw new BadRecord("too many tags: " + v.size() + " > " + MAX_TAGS);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode t = e.getValue();
      if (!t.isValueNode() || t.isNull()) {
        throw new BadRecord("tag '" + abbreviate(e.getKey()) + "' must be a string");
      }
      String key = e.getKey();
      String val = t.asText();
      if (key.isEmpty() || key.length() > MAX_NAME_LENGTH || val.length() > MAX_NAME_LENGTH) {
        throw new BadRecord("tag '" + abbreviate(key) + "' has an empty or too long key or value");
      }
      tags.put(key, val);
    }
    return tags;
  }

  private ObjectMapper mapper() {
    if (mapper == null) {
      JsonMapper m =
          JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
      m.getFactory()
          .setStreamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxStringLength(limits.maxMessageBytes())
                  .maxNumberLength(64)
                  .build());
      mapper = m;
    }
    return mapper;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return abbreviate(nl < 0 ? s : s.substring(0, nl));
  }

  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  /** A record that can't become a metric point; its message is the reason. */
  private static final class BadRecord extends Exception {
    BadRecord(String reason) {
      super(reason, null, false, false);
    }
  }
}
