package io.vigil.common.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.rules.AlertRule;
import io.vigil.common.rules.RuleCodec;
import io.vigil.common.rules.RuleMatcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parsed control plane: enabled rules by id, active silences and maintenance windows,
 * acknowledgements by fingerprint and the inhibition rules. Built from the JSON the control-plane
 * poller reads from PostgreSQL; a rule that fails to parse is skipped and logged, never fatal.
 */
public final class ControlPlane {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static final ControlPlane EMPTY = new ControlPlane(Map.of(), List.of(), Map.of());

  private final Map<String, AlertRule> rules;
  private final List<Silence> silences;
  private final Map<String, Long> acks;
  private final List<InhibitRule> inhibitRules;
  private final RuleMatcher.Index index;

  public ControlPlane(
      Map<String, AlertRule> rules, List<Silence> silences, Map<String, Long> acks) {
    this(rules, silences, acks, List.of());
  }

  public ControlPlane(
      Map<String, AlertRule> rules,
      List<Silence> silences,
      Map<String, Long> acks,
      List<InhibitRule> inhibitRules) {
    this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    this.silences = List.copyOf(silences);
    this.acks = Map.copyOf(acks);
    this.inhibitRules = List.copyOf(inhibitRules);
    this.index = new RuleMatcher.Index(this.rules.values());
  }

  /** The enabled rules arranged for matching points and anomalies. */
  public RuleMatcher.Index index() {
    return index;
  }

  /** Parses the three JSON arrays; nulls are empty. */
  public static ControlPlane parse(String rulesJson, String silencesJson, String acksJson) {
    return parse(rulesJson, silencesJson, acksJson, null);
  }

  /** Parses the four JSON arrays, the inhibition rules last ({@link InhibitRule#parseAll}). */
  public static ControlPlane parse(
      String rulesJson, String silencesJson, String acksJson, String inhibitRulesJson) {
    Map<String, AlertRule> rules = new LinkedHashMap<>();
    for (JsonNode n : tree(rulesJson)) {
      try {
        AlertRule r = RuleCodec.fromJson(n);
        if (r.enabled()) {
          rules.put(r.id(), r);
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("skipping invalid alert rule: {}", e.getMessage());
      }
    }
    List<Silence> silences = new ArrayList<>();
    for (JsonNode n : tree(silencesJson)) {
      Map<String, String> m = new TreeMap<>();
      n.path("matchers").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
      silences.add(
          new Silence(
              n.path("id").asText(), m, n.path("starts_at").asLong(), n.path("ends_at").asLong()));
    }
    Map<String, Long> acks = new HashMap<>();
    for (JsonNode n : tree(acksJson)) {
      acks.merge(n.path("fingerprint").asText(), n.path("acked_at").asLong(), Math::max);
    }
    return new ControlPlane(rules, silences, acks, InhibitRule.parseAll(inhibitRulesJson));
  }

  private static JsonNode tree(String json) {
    if (json == null || json.isBlank()) {
      return MAPPER.createArrayNode();
    }
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      LOG.warn("control-plane JSON unreadable, treated as empty: {}", e.getMessage());
      return MAPPER.createArrayNode();
    }
  }

  public Map<String, AlertRule> rules() {
    return rules;
  }

  public AlertRule rule(String id) {
    return rules.get(id);
  }

  public List<Silence> silences() {
    return silences;
  }

  /** The inhibition rules of every tenant. */
  public List<InhibitRule> inhibitRules() {
    return inhibitRules;
  }

  /** An environment for {@link AlertLifecycle} over this control plane. */
  public AlertLifecycle.Environment environment(long staleAfterMs) {
    return new AlertLifecycle.Environment() {
      @Override
      public boolean silenced(Map<String, String> labels, long now) {
        for (Silence s : silences) {
          if (s.matches(labels, now)) {
            return true;
          }
        }
        return false;
      }

      @Override
      public long acknowledgedAt(String fingerprint) {
        return acks.getOrDefault(fingerprint, 0L);
      }

      @Override
      public long staleAfterMs() {
        return staleAfterMs;
      }
    };
  }
}
