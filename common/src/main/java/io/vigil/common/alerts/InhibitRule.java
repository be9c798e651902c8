package io.vigil.common.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inhibition rule, Alertmanager's {@code inhibit_rules}: while an alert matching {@code source}
 * fires, the tenant's alerts matching {@code target} whose {@code equal} labels have the same
 * values (a missing label counts as empty) are not notified: "node down" mutes the alerts of the
 * services on that node. Matchers as in silences: an exact value, or a prefix ending in {@code *};
 * they see an alert's labels plus {@code alertname} (its rule's name) and {@code severity}.
 *
 * @param id the rule's id
 * @param tenant whose alerts it concerns (inhibition never crosses tenants)
 * @param source matchers of the inhibiting alerts
 * @param target matchers of the inhibited alerts
 * @param equal labels the two must agree on
 * @param waitMs how long a target's firing waits for a source that fires at about the same moment
 *     before it is notified (Alertmanager's {@code group_wait} plays this part there)
 */
public record InhibitRule(
    String id,
    String tenant,
    Map<String, String> source,
    Map<String, String> target,
    List<String> equal,
    long waitMs) {

  /** The default wait: long enough for the alerts of one outage to reach the inhibition step. */
  public static final long DEFAULT_WAIT_MS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(InhibitRule.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public InhibitRule {
    source = source == null ? new TreeMap<>() : new TreeMap<>(source);
    target = target == null ? new TreeMap<>() : new TreeMap<>(target);
    equal = equal == null ? List.of() : List.copyOf(equal);
  }

  /**
   * The rules of a JSON array of {@code {id, tenant, source: {label: value}, target: {...}, equal:
   * [label], wait: ms}}; null or unreadable is none. A rule without a tenant or without target
   * matchers (it would mute every alert of the tenant) is skipped and logged.
   */
  public static List<InhibitRule> parseAll(String json) {
    List<InhibitRule> out = new ArrayList<>();
    if (json == null || json.isBlank()) {
      return out;
    }
    JsonNode arr;
    try {
      arr = MAPPER.readTree(json);
    } catch (IOException e) {
      LOG.warn("inhibition rules unreadable, treated as none: {}", e.getMessage());
      return out;
    }
    for (JsonNode n : arr) {
      String id = n.path("id").asText();
      String tenant = n.path("tenant").asText("");
      Map<String, String> source = matchers(n.path("source"));
      Map<String, String> target = matchers(n.path("target"));
      if (tenant.isEmpty() || target.isEmpty()) {
        LOG.warn("skipping inhibition rule {}: it needs a tenant and target matchers", id);
        continue;
      }
      List<String> equal = new ArrayList<>();
      n.path("equal").forEach(l -> equal.add(l.asText()));
      source.put("tenant", tenant);
      target.put("tenant", tenant);
      long wait = n.path("wait").asLong(DEFAULT_WAIT_MS);
      out.add(new InhibitRule(id, tenant, source, target, equal, Math.max(0, wait)));
    }
    return out;
  }

  private static Map<String, String> matchers(JsonNode n) {
    Map<String, String> m = new TreeMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  /** The labels the matchers see: the alert's labels, its rule's name and its severity. */
  public static Map<String, String> labels(AlertTransition a) {
    Map<String, String> m = new TreeMap<>(a.labels());
    m.putIfAbsent("alertname", a.ruleName());
    m.putIfAbsent("severity", a.severity());
    return m;
  }

  /** Whether an alert with these labels can inhibit others under this rule. */
  public boolean isSource(Map<String, String> labels) {
    return Silence.matchesAll(source, labels);
  }

  /** Whether an alert with these labels can be muted under this rule (by some source). */
  public boolean isTarget(Map<String, String> labels) {
    return Silence.matchesAll(target, labels);
  }

  /**
   * Whether a firing alert labelled {@code s} mutes an alert labelled {@code t}. As in
   * Alertmanager, two alerts that each match both sides never mute each other (otherwise a pair of
   * equal alerts would silence each other for good).
   */
  public boolean mutes(Map<String, String> s, Map<String, String> t) {
    if (!isSource(s) || !Silence.matchesAll(target, t)) {
      return false;
    }
    if (Silence.matchesAll(target, s) && isSource(t)) {
      return false;
    }
    for (String l : equal) {
      if (!Objects.equals(s.getOrDefault(l, ""), t.getOrDefault(l, ""))) {
        return false;
      }
    }
    return true;
  }
}
