package io.vigil.common.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.model.Severity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@link AlertRule}s as JSON trees: the shape of a YAML seed file entry and of a
 * rule row rendered by the rule poller. Durations are strings like {@code 5m} or milliseconds.
 */
public final class RuleCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RuleCodec() {}

  /** Parses one rule; throws IllegalArgumentException naming the rule and what to fix. */
  public static AlertRule fromJson(JsonNode n) {
    String id = text(n, "id");
    if (id == null) {
      throw new IllegalArgumentException("rule without 'id': " + n);
    }
    try {
      return new AlertRule(
          id,
          text(n, "name"),
          text(n, "tenant"),
          !n.has("enabled") || n.get("enabled").asBoolean(),
          n.path("version").asLong(0),
          scope(n.get("scope")),
          condition(n.get("condition")),
          n.hasNonNull("severity") ? Severity.parse(n.get("severity").asText()) : null,
          strings(n.get("channels")),
          duration(n, "for"),
          duration(n, "repeat_interval"),
          duration(n, "cooldown"),
          n.path("max_per_hour").asInt(0),
          duration(n, "auto_resolve"),
          duration(n, "escalation_delay"),
          text(n, "description"),
          text(n, "runbook_url"),
          strings(n.get("group_by")),
          duration(n, "group_wait"),
          duration(n, "group_interval"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("rule " + id + ": " + e.getMessage(), e);
    }
  }

  /** Parses a JSON array of rules. */
  public static List<AlertRule> listFromJson(String json) {
    try {
      JsonNode root = MAPPER.readTree(json);
      List<AlertRule> out = new ArrayList<>();
      for (JsonNode n : root) {
        out.add(fromJson(n));
      }
      return out;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("rules are not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a condition object such as {@code {"kind":"threshold","op":"gt","value":90}}. */
  public static Condition condition(JsonNode c) {
    if (c == null || !c.hasNonNull("kind")) {
      throw new IllegalArgumentException("condition needs 'kind'");
    }
    ConditionKind kind = ConditionKind.parse(c.get("kind").asText());
    int count = c.has("toggles") ? c.get("toggles").asInt() : c.path("count").asInt(1);
    String groupBy =
        switch (kind) {
          case ABSENCE -> c.path("per").asText("series");
          case SEQUENCE -> c.path("by").asText("service");
          default -> null;
        };
    return new Condition(
            kind,
            c.hasNonNull("op") ? ComparisonOperator.parse(c.get("op").asText()) : null,
            c.path("value").asDouble(Double.NaN),
            c.hasNonNull("min_severity") ? Severity.parse(c.get("min_severity").asText()) : null,
            count,
            duration(c, "window"),
            c.has("first") ? scope(c.get("first")) : null,
            c.has("then") ? scope(c.get("then")) : null,
            groupBy)
        .validate();
  }

  /** Parses a scope object {@code {"metric":..,"source":..,"tags":{..}}}; null is any series. */
  public static Scope scope(JsonNode s) {
    if (s == null || s.isNull()) {
      return Scope.ANY;
    }
    Map<String, String> tags = new TreeMap<>();
    JsonNode t = s.get("tags");
    if (t != null) {
      Iterator<Map.Entry<String, JsonNode>> it = t.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        tags.put(e.getKey(), e.getValue().asText());
      }
    }
    return new Scope(text(s, "metric"), text(s, "source"), tags);
  }

  /** Renders a scope back to JSON (used for labels and annotations). */
  public static ObjectNode scopeJson(Scope s) {
    ObjectNode o = MAPPER.createObjectNode();
    if (s.metric() != null) {
      o.put("metric", s.metric());
    }
    if (s.source() != null) {
      o.put("source", s.source());
    }
    ObjectNode tags = o.putObject("tags");
    s.tags().forEach(tags::put);
    return o;
  }

  private static long duration(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    return v.isNumber() ? v.asLong() : Durations.parseMillis(v.asText());
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n instanceof ArrayNode a) {
      a.forEach(x -> out.add(x.asText()));
    } else if (n != null && !n.isNull()) {
      out.add(n.asText());
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
