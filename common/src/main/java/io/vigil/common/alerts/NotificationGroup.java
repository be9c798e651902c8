package io.vigil.common.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.rules.AlertRule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager-style grouping of a rule's notifications: the alerts of a rule that share the values
 * of its {@code group_by} labels are one group, notified together (see the alerting DESIGN.md,
 * "Grouped notifications").
 */
public final class NotificationGroup {
  private NotificationGroup() {}

  /**
   * The group of an alert: the rule id, the tenant (a tenant's channels are its own, so tenants
   * never share a notification) and the values of the rule's {@code group_by} labels (a label the
   * alert lacks counts as empty), as canonical JSON so that it is a stable key and can be read back
   * by {@link #labels}.
   */
  public static String key(AlertRule rule, Map<String, String> alertLabels) {
    Map<String, String> by = new TreeMap<>();
    by.put("tenant", alertLabels.getOrDefault("tenant", ""));
    rule.groupBy().forEach(l -> by.put(l, alertLabels.getOrDefault(l, "")));
    ObjectNode o = AlertJsonCodec.mapper().createObjectNode();
    o.put("rule", rule.id());
    ObjectNode labels = o.putObject("labels");
    by.forEach(labels::put);
    return o.toString();
  }

  /** The group labels of a key: alertname (from the members) is added by the caller. */
  public static Map<String, String> labels(String key) {
    Map<String, String> out = new TreeMap<>();
    try {
      JsonNode n = AlertJsonCodec.mapper().readTree(key);
      n.path("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a notification group key: " + key, e);
    }
    return out;
  }

  /** The members in the order a notification lists them: by time of the transition, then alert. */
  public static List<AlertTransition> ordered(List<AlertTransition> members) {
    List<AlertTransition> out = new ArrayList<>(members);
    out.sort(
        Comparator.comparingLong(AlertTransition::at)
            .thenComparing(AlertTransition::fingerprint)
            .thenComparing(AlertTransition::idempotencyKey));
    return out;
  }

  /**
   * The idempotency key of one notification of a group: the group and the members' own keys, so a
   * notification of the same members is the same notification whatever batched them.
   */
  public static String idempotencyKey(String key, List<AlertTransition> members) {
    StringBuilder s = new StringBuilder("group|").append(key);
    members.stream()
        .map(AlertTransition::idempotencyKey)
        .sorted()
        .forEach(k -> s.append('|').append(k));
    return Fingerprint.sha256Hex(s.toString());
  }

  /** True while any member is not resolved: the group notification's status is then firing. */
  public static boolean firing(List<AlertTransition> members) {
    return members.stream().anyMatch(m -> m.status() != AlertStatus.RESOLVED);
  }

  /**
   * One line per alert for text channels (Slack, email): at most {@code max} lines, then how many
   * more.
   */
  public static List<String> lines(List<AlertTransition> members, int max) {
    List<String> out = new ArrayList<>();
    for (AlertTransition m : members) {
      if (out.size() == max) {
        out.add("... and " + (members.size() - max) + " more");
        break;
      }
      String why = m.annotations().get("description");
      out.add(
          (m.status() == AlertStatus.RESOLVED ? "[RESOLVED] " : "[FIRING] ")
              + m.labels().getOrDefault("source", "")
              + "/"
              + m.labels().getOrDefault("metric", "")
              + ": "
              + m.annotations().getOrDefault("summary", m.ruleName())
              + (why == null ? "" : " - " + why));
    }
    return out;
  }

  /** The headline of a group notification, e.g. {@code [FIRING:3] cpu high}. */
  public static String title(List<AlertTransition> members) {
    long firing = members.stream().filter(m -> m.status() != AlertStatus.RESOLVED).count();
    String name = members.isEmpty() ? "" : members.get(0).ruleName();
    return firing > 0
        ? "[FIRING:" + firing + "] " + name
        : "[RESOLVED:" + members.size() + "] " + name;
  }
}
