package io.vigil.common.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.model.Severity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders transitions as JSON close to an Alertmanager webhook alert ({@code status}, {@code
 * labels}, {@code annotations}, {@code startsAt}, {@code endsAt}, {@code fingerprint}), with
 * Vigil's own fields (id, transition, idempotency key) alongside.
 */
public final class AlertJsonCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private AlertJsonCodec() {}

  /** One alert object. Alertmanager knows only firing and resolved: the others map to firing. */
  public static ObjectNode alert(AlertTransition t) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("status", t.status() == AlertStatus.RESOLVED ? "resolved" : "firing");
    ObjectNode labels = o.putObject("labels");
    t.labels().forEach(labels::put);
    ObjectNode ann = o.putObject("annotations");
    t.annotations().forEach(ann::put);
    o.put("startsAt", Instant.ofEpochMilli(t.startsAt()).toString());
    o.put("endsAt", t.endsAt() > 0 ? Instant.ofEpochMilli(t.endsAt()).toString() : ZERO_TIME);
    o.put("generatorURL", "");
    o.put("fingerprint", t.fingerprint());
    o.put("id", t.alertId());
    o.put("ruleId", t.ruleId());
    o.put("vigilStatus", t.status().dbName());
    o.put("transition", t.transition());
    o.put("idempotencyKey", t.idempotencyKey());
    o.put("value", t.value());
    o.put("at", Instant.ofEpochMilli(t.at()).toString());
    return o;
  }

  /** The Kafka record value: one alert object. */
  public static byte[] toBytes(AlertTransition t) {
    try {
      return MAPPER.writeValueAsBytes(alert(t));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("alert JSON rendering cannot fail", e);
    }
  }

  /** A webhook body shaped like Alertmanager's: version 4, group labels, one alert. */
  public static String webhookBody(AlertTransition t, String receiver) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("version", "4");
    o.put("groupKey", t.fingerprint());
    o.put("receiver", receiver);
    o.put("status", t.status() == AlertStatus.RESOLVED ? "resolved" : "firing");
    o.putArray("alerts").add(alert(t));
    ObjectNode common = o.putObject("commonLabels");
    t.labels().forEach(common::put);
    o.putObject("groupLabels").put("alertname", t.labels().getOrDefault("alertname", ""));
    o.put("externalURL", "");
    return o.toString();
  }

  /**
   * The Alertmanager webhook body of one notification of a group: every member in {@code alerts},
   * the labels and annotations they share, the group's labels, and status firing while any member
   * is.
   */
  public static String groupWebhookBody(
      String group, List<AlertTransition> members, String receiver) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("version", "4");
    o.put("groupKey", Fingerprint.sha256Hex(group));
    o.put("receiver", receiver);
    o.put("status", NotificationGroup.firing(members) ? "firing" : "resolved");
    var alerts = o.putArray("alerts");
    members.forEach(m -> alerts.add(alert(m)));
    common(o.putObject("commonLabels"), members.stream().map(AlertTransition::labels).toList());
    common(
        o.putObject("commonAnnotations"),
        members.stream().map(AlertTransition::annotations).toList());
    ObjectNode groupLabels = o.putObject("groupLabels");
    groupLabels.put("alertname", members.get(0).labels().getOrDefault("alertname", ""));
    NotificationGroup.labels(group).forEach(groupLabels::put);
    o.put("externalURL", "");
    return o.toString();
  }

  private static void common(ObjectNode out, List<Map<String, String>> maps) {
    Map<String, String> first = maps.get(0);
    first.forEach(
        (k, v) -> {
          if (maps.stream().allMatch(m -> v.equals(m.get(k)))) {
            out.put(k, v);
          }
        });
  }

  /** What {@link #decode} made of a record: the transition, or why there is none. */
  public record Decoded(AlertTransition transition, String error) {}

  /**
   * Reads back one alert object as {@link #alert} wrote it (what a job published to the alerts
   * topic): id, labels (with alertname and severity), annotations, start and end, status,
   * transition and value. What the JSON does not carry (channels, the notify flag, the group) is
   * left empty.
   */
  public static Decoded decode(byte[] value) {
    JsonNode o;
    try {
      o = MAPPER.readTree(value);
    } catch (Exception e) {
      return new Decoded(null, "invalid JSON: " + e.getClass().getSimpleName());
    }
    if (o == null || !o.isObject()) {
      return new Decoded(null, "an alert must be a JSON object");
    }
    String id = o.path("id").asText("");
    String transition = o.path("transition").asText("");
    if (id.isEmpty() || transition.isEmpty()) {
      return new Decoded(null, "an alert needs its 'id' and 'transition' (Vigil's alert JSON)");
    }
    if (!o.path("labels").isObject()) {
      return new Decoded(null, "field 'labels' must be an object");
    }
    AlertStatus status;
    long startsAt;
    long endsAt;
    long at;
    try {
      status = AlertStatus.valueOf(o.path("vigilStatus").asText("").toUpperCase(Locale.ROOT));
      startsAt = Instant.parse(o.path("startsAt").asText()).toEpochMilli();
      String ends = o.path("endsAt").asText(ZERO_TIME);
      endsAt = ends.equals(ZERO_TIME) ? 0 : Instant.parse(ends).toEpochMilli();
      at = o.has("at") ? Instant.parse(o.path("at").asText()).toEpochMilli() : startsAt;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return new Decoded(
          null, "an alert needs a known 'vigilStatus' and RFC 3339 'startsAt', 'endsAt', 'at'");
    }
    Map<String, String> labels = strings(o.path("labels"));
    Map<String, String> annotations = strings(o.path("annotations"));
    String severity = labels.getOrDefault("severity", "medium");
    try {
      Severity.parse(severity);
    } catch (IllegalArgumentException e) {
      return new Decoded(null, "label 'severity' must be low, medium, high or critical");
    }
    return new Decoded(
        new AlertTransition(
            id,
            o.path("fingerprint").asText(""),
            o.path("ruleId").asText(""),
            labels.getOrDefault("alertname", ""),
            severity,
            status,
            transition,
            false,
            o.path("idempotencyKey").asText(""),
            startsAt,
            endsAt,
            at,
            o.path("value").asDouble(0),
            labels,
            annotations,
            List.of(),
            "",
            0,
            0),
        null);
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new TreeMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Labels as a JSON object string (for the alerts table). */
  public static String json(Map<String, String> m) {
    return MAPPER.valueToTree(m).toString();
  }

  /** A list as a JSON array string. */
  public static String json(List<String> l) {
    return MAPPER.valueToTree(l).toString();
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
