package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.alerts.Fingerprint;
import io.vigil.common.alerts.IncomingAlert;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes alerts from Prometheus Alertmanager: the body its webhook receiver POSTs (version 4:
 * {@code {"version","status","receiver","groupKey","alerts":[...]}}, one message per notification,
 * as a webhook-to-Kafka bridge forwards it), a single alert object or an array of them. An alert is
 * {@code {"status","labels","annotations","startsAt","endsAt","generatorURL","fingerprint"}};
 * {@code labels.alertname} and {@code startsAt} are required. Problems become reasons, one per
 * unusable alert, never exceptions; the other alerts of the notification are kept.
 */
public final class AlertmanagerCodec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Go's zero time: what Alertmanager writes for an end that is not known yet. */
  private static final long GO_ZERO_TIME = -62135596800000L;

  private final String defaultTenant;

  /** {@code defaultTenant}: the tenant of alerts without a {@code tenant} label. */
  public AlertmanagerCodec(String defaultTenant) {
    this.defaultTenant = defaultTenant;
  }

  /** The alerts of one message and the reasons some of it could not be used. */
  public record Result(List<IncomingAlert> alerts, List<String> errors) {}

  /**
   * Decodes one message; {@code receivedAt} (the Kafka timestamp) decides the status of an alert
   * that has none (API v1 posts): resolved when its end is before it.
   */
  public Result decode(byte[] message, long receivedAt) {
    List<IncomingAlert> alerts = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    JsonNode root;
    try {
      root = message == null || message.length == 0 ? null : MAPPER.readTree(message);
    } catch (Exception e) {
      errors.add(
          "invalid JSON: "
              + MetricJsonCodec.abbreviate(String.valueOf(e.getMessage()).split("\n")[0]));
      return new Result(alerts, errors);
    }
    if (root != null && root.isObject() && root.has("alerts")) {
      JsonNode list = root.get("alerts");
      if (!list.isArray()) {
        errors.add("field 'alerts' must be an array");
      } else if (list.isEmpty()) {
        errors.add("a notification without alerts");
      } else {
        for (int i = 0; i < list.size(); i++) {
          decodeOne(list.get(i), "alerts[" + i + "]: ", receivedAt, alerts, errors);
        }
      }
    } else if (root != null && root.isArray() && !root.isEmpty()) {
      for (int i = 0; i < root.size(); i++) {
        decodeOne(root.get(i), "[" + i + "]: ", receivedAt, alerts, errors);
      }
    } else if (root != null && root.isObject()) {
      decodeOne(root, "", receivedAt, alerts, errors);
    } else {
      errors.add(
          "expected an Alertmanager webhook notification {\"alerts\": [...]}, an alert or an array"
              + " of alerts");
    }
    return new Result(alerts, errors);
  }

  private void decodeOne(
      JsonNode a, String where, long receivedAt, List<IncomingAlert> out, List<String> errors) {
    try {
      if (a == null || !a.isObject()) {
        throw new LogFields.BadRecord("expected a JSON object");
      }
      Map<String, String> labels = MetricCodec.strings(a.get("labels"), "labels", "label");
      String name = labels.get("alertname");
      if (name == null || name.isBlank()) {
        throw new LogFields.BadRecord("label 'alertname' is missing");
      }
      JsonNode ann = a.get("annotations");
      Map<String, String> annotations =
          ann == null || ann.isNull()
              ? Map.of()
              : MetricCodec.strings(ann, "annotations", "annotation");
      long startsAt = time(a.get("startsAt"), "startsAt");
      if (startsAt == 0) {
        throw new LogFields.BadRecord("field 'startsAt' is missing or Go's zero time");
      }
      long endsAt = a.hasNonNull("endsAt") ? time(a.get("endsAt"), "endsAt") : 0;
      boolean firing = firing(a.get("status"), endsAt, receivedAt);
      String fingerprint = text(a, "fingerprint");
      if (fingerprint.isEmpty()) {
        fingerprint = Fingerprint.of("alertmanager", labels);
      }
      String tenant =
          labels.getOrDefault("tenant", labels.getOrDefault("vigil.tenant", defaultTenant));
      out.add(
          new IncomingAlert(
              fingerprint,
              firing,
              startsAt,
              firing ? 0 : endsAt == 0 ? receivedAt : endsAt,
              name,
              IncomingAlert.severityOf(labels.get("severity")),
              tenant,
              source(labels),
              labels.getOrDefault("instance", ""),
              labels,
              annotations,
              text(a, "generatorURL"),
              "",
              IncomingAlert.ANALYZE));
    } catch (LogFields.BadRecord e) {
      errors.add(where + e.getMessage());
    }
  }

  /** The service an alert is about, named as the Prometheus metrics decoder names it. */
  static String source(Map<String, String> labels) {
    for (String k : List.of("source", "service.name", "service", "job")) {
      String v = labels.get(k);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }

  private static boolean firing(JsonNode status, long endsAt, long receivedAt)
      throws LogFields.BadRecord {
    if (status == null || status.isNull()) {
      return endsAt == 0 || endsAt > receivedAt;
    }
    String s = status.isObject() ? text(status, "state") : status.asText();
    return switch (s) {
      case "firing", "active", "unprocessed", "suppressed" -> true;
      case "resolved" -> false;
      default ->
          throw new LogFields.BadRecord(
              "field 'status' must be firing or resolved, not '"
                  + MetricJsonCodec.abbreviate(s)
                  + "'");
    };
  }

  private static long time(JsonNode t, String field) throws LogFields.BadRecord {
    if (t == null || t.isNull()) {
      return 0;
    }
    Long millis = t.isTextual() ? LogFields.parseTime(t.textValue()) : null;
    if (millis == null) {
      throw new LogFields.BadRecord("field '" + field + "' must be an RFC 3339 time");
    }
    return millis <= GO_ZERO_TIME ? 0 : millis;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? v.textValue() : "";
  }
}
