package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.LogFields.BadRecord;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.model.LogEvent;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes what the OpenTelemetry Collector's Kafka exporter writes with {@code encoding:
 * otlp_json}: one ExportLogsServiceRequest, {@code resourceLogs[].resource.attributes}, {@code
 * scopeLogs[].logRecords[]} with {@code timeUnixNano} (or {@code observedTimeUnixNano}), {@code
 * severityText}/{@code severityNumber}, {@code body} and {@code attributes}. The service is the
 * resource's {@code service.name}, the tenant its {@code tenant} (or {@code vigil.tenant})
 * attribute, else the defaults. Resource attributes are kept on each event under a {@code
 * resource.} prefix. Never throws.
 */
public final class OtlpLogsCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LogCodec.Settings settings;
  private transient ObjectMapper mapper;

  public OtlpLogsCodec(LogCodec.Settings settings) {
    this.settings = settings;
  }

  /**
   * Whether a JSON message is an ExportLogsServiceRequest (has a resourceLogs key near its start).
   */
  static boolean looksLikeOtlp(byte[] message) {
    int n = Math.min(message.length, 512);
    String head = new String(message, 0, n, StandardCharsets.UTF_8);
    return head.contains("\"resourceLogs\"");
  }

  /** Decodes one message. Never throws. */
  public LogCodec.Result decode(byte[] message) {
    List<LogEvent> events = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    JsonNode root;
    try {
      root = LogFields.readTree(mapper(), message);
    } catch (BadRecord e) {
      return LogCodec.Result.error(e.getMessage());
    }
    JsonNode rls = root == null ? null : root.get("resourceLogs");
    if (rls == null || !rls.isArray()) {
      return LogCodec.Result.error("OTLP: field 'resourceLogs' must be an array");
    }
    for (int r = 0; r < rls.size(); r++) {
      JsonNode rl = rls.get(r);
      Map<String, String> resource = new TreeMap<>();
      try {
        resource = keyValues(rl.path("resource").get("attributes"));
      } catch (BadRecord e) {
        errors.add("resourceLogs[" + r + "].resource: " + e.getMessage());
        continue;
      }
      JsonNode sls = rl.get("scopeLogs");
      if (sls == null || !sls.isArray()) {
        errors.add("resourceLogs[" + r + "]: field 'scopeLogs' must be an array");
        continue;
      }
      for (int s = 0; s < sls.size(); s++) {
        JsonNode lrs = sls.get(s).get("logRecords");
        if (lrs == null || !lrs.isArray()) {
          errors.add("resourceLogs[" + r + "].scopeLogs[" + s + "]: 'logRecords' must be an array");
          continue;
        }
        for (int i = 0; i < lrs.size(); i++) {
          try {
            events.add(toEvent(lrs.get(i), resource));
          } catch (BadRecord e) {
            String where = "resourceLogs[" + r + "].scopeLogs[" + s + "].logRecords[" + i + "] ";
            errors.add(where + e.getMessage());
          }
        }
      }
    }
    if (events.isEmpty() && errors.isEmpty()) {
      errors.add("OTLP: no log records");
    }
    return new LogCodec.Result(events, errors);
  }

  private LogEvent toEvent(JsonNode lr, Map<String, String> resource) throws BadRecord {
    if (!lr.isObject()) {
      throw new BadRecord("expected a JSON object");
    }
    long nanos = nanos(lr.get("timeUnixNano"), "timeUnixNano");
    if (nanos == 0) {
      nanos = nanos(lr.get("observedTimeUnixNano"), "observedTimeUnixNano");
    }
    if (nanos == 0) {
      throw new BadRecord("missing field 'timeUnixNano'");
    }
    long millis = LogFields.checkRange(nanos / 1_000_000, settings.limits());
    String message = anyValue(lr.get("body"));
    if (message == null || message.isBlank()) {
      throw new BadRecord("missing or empty 'body'");
    }
    Map<String, String> attributes = new TreeMap<>();
    resource.forEach((k, v) -> attributes.put("resource." + k, v));
    attributes.putAll(keyValues(lr.get("attributes")));
    String tenant = first(resource, "tenant", "vigil.tenant");
    String service = first(resource, "service.name");
    return new LogEvent(
        LogFields.name("tenant", tenant == null ? settings.defaultTenant() : tenant),
        LogFields.name("service", service == null ? settings.defaultService() : service),
        millis,
        level(lr),
        message,
        attributes);
  }

  private static String level(JsonNode lr) {
    String text = LogLevels.normalize(lr.path("severityText").asText(null));
    if (!text.equals(LogLevels.UNSPECIFIED)) {
      return text;
    }
    JsonNode n = lr.get("severityNumber");
    if (n != null && n.canConvertToInt()) {
      return LogLevels.fromOtelNumber(n.intValue());
    }
    if (n != null && n.isTextual()) {
      // proto3 JSON may also carry the enum's name, SEVERITY_NUMBER_ERROR2
      return LogLevels.normalize(n.textValue().replace("SEVERITY_NUMBER_", ""));
    }
    return LogLevels.UNSPECIFIED;
  }

  /** proto3 JSON writes 64-bit integers as strings; numbers are accepted too. */
  static long nanos(JsonNode v, String field) throws BadRecord {
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.textValue().trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new BadRecord("field '" + field + "' must be an integer of nanoseconds");
  }

  static Map<String, String> keyValues(JsonNode kvs) throws BadRecord {
    Map<String, String> out = new TreeMap<>();
    if (kvs == null || kvs.isNull()) {
      return out;
    }
    if (!kvs.isArray()) {
      throw new BadRecord("'attributes' must be an array of {key, value}");
    }
    if (kvs.size() > LogFields.MAX_ATTRIBUTES) {
      throw new BadRecord("too many attributes: " + kvs.size() + " > " + LogFields.MAX_ATTRIBUTES);
    }
    for (JsonNode kv : kvs) {
      String key = kv.path("key").asText("");
      String value = anyValue(kv.get("value"));
      if (key.isEmpty()) {
        throw new BadRecord("attribute without a key");
      }
      if (value != null) {
        if (value.length() > LogFields.MAX_ATTRIBUTE_LENGTH) {
          throw new BadRecord("attribute '" + LogFields.abbreviate(key) + "' is too long");
        }
        out.put(key, value);
      }
    }
    return out;
  }

  /** The text of an OTLP AnyValue: scalars as text, arrays and maps as their JSON. */
  private static String anyValue(JsonNode v) {
    if (v == null || v.isNull() || !v.isObject()) {
      return null;
    }
    for (String k : new String[] {"stringValue", "intValue", "doubleValue", "boolValue"}) {
      JsonNode x = v.get(k);
      if (x != null && !x.isNull()) {
        return x.asText();
      }
    }
    JsonNode other = v.has("arrayValue") ? v.get("arrayValue") : v.get("kvlistValue");
    return other == null ? null : other.toString();
  }

  private static String first(Map<String, String> m, String... keys) {
    for (String k : keys) {
      String v = m.get(k);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  private ObjectMapper mapper() {
    if (mapper == null) {
      mapper = LogFields.mapper(settings.limits());
    }
    return mapper;
  }
}
