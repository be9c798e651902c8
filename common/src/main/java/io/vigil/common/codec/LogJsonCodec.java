package io.vigil.common.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.codec.LogFields.BadRecord;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.model.LogEvent;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes Vigil's log JSON: {@code {"timestamp","tenant","service","severity","message",
 * "attributes"}} as one object, an array of them, or one object per line (JSON lines). Timestamps
 * are epoch millis or RFC 3339; tenant and service default to the configured ones; message and
 * timestamp are required. Never throws.
 */
public final class LogJsonCodec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper ENCODER = new ObjectMapper();

  private final LogCodec.Settings settings;
  private transient ObjectMapper mapper;

  public LogJsonCodec(LogCodec.Settings settings) {
    this.settings = settings;
  }

  /** Encodes an event in the JSON this codec reads (epoch-millis timestamp). */
  public static byte[] encode(LogEvent e) {
    ObjectNode n = ENCODER.createObjectNode();
    n.put("timestamp", e.timestamp()).put("tenant", e.tenant()).put("service", e.service());
    n.put("severity", e.severity()).put("message", e.message());
    ObjectNode a = n.putObject("attributes");
    e.attributes().forEach(a::put);
    try {
      return ENCODER.writeValueAsBytes(n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("a JSON tree always serializes", ex);
    }
  }

  /** Decodes one message. Never throws. */
  public LogCodec.Result decode(byte[] message) {
    List<LogEvent> events = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    JsonNode root;
    try {
      root = mapper().readTree(message);
    } catch (IOException | RuntimeException e) {
      String text = new String(message, StandardCharsets.UTF_8).strip();
      if (text.indexOf('\n') < 0) {
        errors.add("invalid JSON: " + reason(e));
        return new LogCodec.Result(events, errors);
      }
      String[] lines = text.split("\r?\n");
      for (int i = 0; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          decodeLine(lines[i], "line " + (i + 1) + ": ", events, errors);
        }
      }
      return new LogCodec.Result(events, errors);
    }
    decodeTree(root, "", events, errors);
    return new LogCodec.Result(events, errors);
  }

  private void decodeLine(String line, String where, List<LogEvent> events, List<String> errors) {
    try {
      decodeTree(mapper().readTree(line), where, events, errors);
    } catch (IOException | RuntimeException e) {
      errors.add(where + "invalid JSON: " + reason(e));
    }
  }

  private void decodeTree(JsonNode root, String where, List<LogEvent> events, List<String> errors) {
    if (root == null || root.isMissingNode()) {
      errors.add(where + "empty message");
    } else if (root.isArray()) {
      if (root.isEmpty()) {
        errors.add(where + "empty JSON array");
      }
      for (int i = 0; i < root.size(); i++) {
        decodeOne(root.get(i), where + "[" + i + "] ", events, errors);
      }
    } else {
      decodeOne(root, where, events, errors);
    }
  }

  private void decodeOne(JsonNode n, String where, List<LogEvent> events, List<String> errors) {
    try {
      events.add(toEvent(n));
    } catch (BadRecord e) {
      errors.add(where + e.getMessage());
    }
  }

  private LogEvent toEvent(JsonNode n) throws BadRecord {
    if (!n.isObject()) {
      throw new BadRecord("expected a JSON object, got " + n.getNodeType().name().toLowerCase());
    }
    String tenant = LogFields.optionalText(n, "tenant");
    String service = LogFields.optionalText(n, "service");
    String message = LogFields.optionalText(n, "message");
    if (message == null) {
      throw new BadRecord("missing field 'message'");
    }
    if (message.isBlank()) {
      throw new BadRecord("field 'message' is blank");
    }
    return new LogEvent(
        LogFields.name("tenant", tenant == null ? settings.defaultTenant() : tenant),
        LogFields.name("service", service == null ? settings.defaultService() : service),
        timestamp(n.get("timestamp")),
        LogLevels.normalize(LogFields.optionalText(n, "severity")),
        message,
        attributes(n.get("attributes")));
  }

  private long timestamp(JsonNode v) throws BadRecord {
    if (v == null || v.isNull()) {
      throw new BadRecord("missing field 'timestamp'");
    }
    Long millis;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      millis = v.longValue();
    } else if (v.isTextual()) {
      millis = LogFields.parseTime(v.textValue());
      if (millis == null) {
        throw new BadRecord(
            "field 'timestamp' is not RFC 3339: '" + LogFields.abbreviate(v.textValue()) + "'");
      }
    } else {
      throw new BadRecord("field 'timestamp' must be epoch millis or an RFC 3339 string");
    }
    return LogFields.checkRange(millis, settings.limits());
  }

  static Map<String, String> attributes(JsonNode v) throws BadRecord {
    Map<String, String> out = new TreeMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      throw new BadRecord("field 'attributes' must be an object");
    }
    if (v.size() > LogFields.MAX_ATTRIBUTES) {
      throw new BadRecord("too many attributes: " + v.size() + " > " + LogFields.MAX_ATTRIBUTES);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode t = e.getValue();
      if (t.isNull()) {
        continue;
      }
      String val = t.isValueNode() ? t.asText() : t.toString();
      if (e.getKey().isEmpty() || val.length() > LogFields.MAX_ATTRIBUTE_LENGTH) {
        throw new BadRecord(
            "attribute '" + LogFields.abbreviate(e.getKey()) + "' has an empty key or is too long");
      }
      out.put(e.getKey(), val);
    }
    return out;
  }

  private static String reason(Exception e) {
    if (e instanceof JsonProcessingException j) {
      return LogFields.firstLine(j.getOriginalMessage());
    }
    return LogFields.firstLine(e.getMessage());
  }

  private ObjectMapper mapper() {
    if (mapper == null) {
      mapper = LogFields.mapper(settings.limits());
    }
    return mapper;
  }
}
