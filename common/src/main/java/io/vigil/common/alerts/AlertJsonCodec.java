package io.vigil.common.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
