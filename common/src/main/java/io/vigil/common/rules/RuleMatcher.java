package io.vigil.common.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.alerts.Fingerprint;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns metric points and anomalies into {@link RuleEvent}s for every rule that selects them. With
 * an {@link Index} a point is only matched against the rules of its metric and the rules whose
 * metric matcher is a wildcard or prefix; without one, against every rule.
 */
public final class RuleMatcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuleMatcher() {}

  /**
   * The rules arranged for matching: point rules (threshold, flapping, absence) with an exact
   * metric matcher by metric, the other point rules in a list, anomaly rules in another; each rule
   * keeps its position so the events of a point come out in the rules' order, as without the index.
   */
  public static final class Index {
    private final Map<String, List<Positioned>> byMetric = new HashMap<>();
    private final List<Positioned> anyMetric = new ArrayList<>();
    private final List<AlertRule> anomalyRules = new ArrayList<>();

    private record Positioned(int position, AlertRule rule) {}

    public Index(Collection<AlertRule> rules) {
      int i = 0;
      for (AlertRule r : rules) {
        ConditionKind kind = r.condition().kind();
        if (kind == ConditionKind.ANOMALY || kind == ConditionKind.SEQUENCE) {
          anomalyRules.add(r);
          continue;
        }
        Positioned pr = new Positioned(i++, r);
        String m = r.scope().metric();
        if (m == null || m.isEmpty() || m.endsWith("*")) {
          anyMetric.add(pr);
        } else {
          byMetric.computeIfAbsent(m, k -> new ArrayList<>()).add(pr);
        }
      }
    }

    /** The point rules that may select {@code metric}, in the rules' order. */
    List<AlertRule> candidates(String metric) {
      List<Positioned> exact = byMetric.getOrDefault(metric, List.of());
      if (exact.isEmpty() || anyMetric.isEmpty()) {
        List<Positioned> one = exact.isEmpty() ? anyMetric : exact;
        List<AlertRule> out = new ArrayList<>(one.size());
        one.forEach(pr -> out.add(pr.rule()));
        return out;
      }
      List<Positioned> both = new ArrayList<>(exact.size() + anyMetric.size());
      both.addAll(exact);
      both.addAll(anyMetric);
      both.sort(java.util.Comparator.comparingInt(Positioned::position));
      List<AlertRule> out = new ArrayList<>(both.size());
      both.forEach(pr -> out.add(pr.rule()));
      return out;
    }
  }

  /** Events of a metric point for the indexed threshold, flapping and absence rules. */
  public static List<RuleEvent> forPoint(Index index, MetricPoint p) {
    return forPoint(index.candidates(p.metric()), p);
  }

  /** Events of an anomaly for the indexed anomaly and sequence rules. */
  public static List<RuleEvent> forAnomaly(Index index, Anomaly a) {
    return forAnomaly(index.anomalyRules, a);
  }

  /** Events of a metric point for threshold, flapping and absence rules. */
  public static List<RuleEvent> forPoint(Collection<AlertRule> rules, MetricPoint p) {
    List<RuleEvent> out = new ArrayList<>(2);
    for (AlertRule r : rules) {
      if (!r.appliesToTenant(p.tenant()) || !r.scope().matches(p.source(), p.metric(), p.tags())) {
        continue;
      }
      Condition c = r.condition();
      Map<String, String> series = seriesLabels(p.tenant(), p.source(), p.metric(), p.tags());
      switch (c.kind()) {
        case THRESHOLD -> {
          boolean hit = c.breached(p.value());
          Route route = r.forMs() > 0 ? Route.THRESHOLD_FOR : Route.SINGLE_HIT;
          out.add(event(r, route, series, p.timestamp(), p.value(), hit, "", r.forMs(), 1, "", ""));
        }
        case FLAPPING ->
            out.add(
                event(
                    r,
                    Route.FLAPPING,
                    series,
                    p.timestamp(),
                    p.value(),
                    c.breached(p.value()),
                    "",
                    c.windowMs(),
                    c.count(),
                    "",
                    ""));
        case ABSENCE -> {
          Map<String, String> labels =
              "source".equals(c.groupBy()) ? sourceLabels(p.tenant(), p.source()) : series;
          out.add(
              event(
                  r,
                  Route.ABSENCE,
                  labels,
                  p.timestamp(),
                  p.value(),
                  true,
                  "",
                  c.windowMs(),
                  1,
                  "",
                  ""));
        }
        default -> {}
      }
    }
    return out;
  }

  /** Events of an anomaly for anomaly and sequence rules. */
  public static List<RuleEvent> forAnomaly(Collection<AlertRule> rules, Anomaly a) {
    List<RuleEvent> out = new ArrayList<>(2);
    String why = null;
    for (AlertRule r : rules) {
      Condition c = r.condition();
      if (!r.appliesToTenant(a.tenant()) || a.severity().compareTo(c.minSeverity()) < 0) {
        continue;
      }
      if (c.kind() == ConditionKind.ANOMALY
          && r.scope().matches(a.source(), a.metric(), a.tags())) {
        Map<String, String> series = seriesLabels(a.tenant(), a.source(), a.metric(), a.tags());
        Route route = c.count() > 1 ? Route.ANOMALY_COUNT : Route.SINGLE_HIT;
        why = why == null ? why(a) : why;
        out.add(
            event(
                r,
                route,
                series,
                a.timestamp(),
                a.score(),
                true,
                "",
                c.windowMs(),
                c.count(),
                why,
                a.id()));
      } else if (c.kind() == ConditionKind.SEQUENCE) {
        String tag =
            c.first().matches(a.source(), a.metric(), a.tags())
                ? "A"
                : c.then().matches(a.source(), a.metric(), a.tags()) ? "B" : null;
        String service = "source".equals(c.groupBy()) ? a.source() : a.tags().get(c.groupBy());
        if (tag == null || service == null) {
          continue;
        }
        Map<String, String> labels = new TreeMap<>();
        labels.put("tenant", a.tenant());
        labels.put(c.groupBy(), service);
        why = why == null ? why(a) : why;
        out.add(
            event(
                r,
                Route.SEQUENCE,
                labels,
                a.timestamp(),
                a.score(),
                true,
                tag,
                c.windowMs(),
                2,
                why,
                a.id()));
      }
    }
    return out;
  }

  /** Longest detail an alert carries from an anomaly's explanation. */
  static final int MAX_DETAIL = 500;

  /**
   * What the anomaly's explanation says in words: its "why" (which names the component), cut at
   * {@link #MAX_DETAIL} characters; empty when it has none or is not JSON.
   */
  static String why(Anomaly a) {
    String json = a.explanationJson();
    if (json == null || json.isEmpty()) {
      return "";
    }
    try {
      String w = JSON.readTree(json).path("why").asText("");
      return w.length() <= MAX_DETAIL ? w : w.substring(0, MAX_DETAIL - 3) + "...";
    } catch (IOException e) {
      return "";
    }
  }

  private static RuleEvent event(
      AlertRule r,
      Route route,
      Map<String, String> labels,
      long ts,
      double value,
      boolean hit,
      String tag,
      long windowMs,
      int count,
      String detail,
      String anomalyId) {
    String fp = Fingerprint.of(r.id(), labels);
    String groupKey = r.id() + "@" + r.version() + "|" + fp;
    return new RuleEvent(
        groupKey,
        fp,
        r.id(),
        r.version(),
        route,
        ts,
        value,
        hit,
        tag,
        windowMs,
        count,
        labels,
        detail,
        anomalyId);
  }

  /** The labels of a series: tenant, source, metric and its tags. */
  public static Map<String, String> seriesLabels(
      String tenant, String source, String metric, Map<String, String> tags) {
    Map<String, String> l = new TreeMap<>(tags);
    l.put("tenant", tenant);
    l.put("source", source);
    l.put("metric", metric);
    return l;
  }

  private static Map<String, String> sourceLabels(String tenant, String source) {
    Map<String, String> l = new TreeMap<>();
    l.put("tenant", tenant);
    l.put("source", source);
    return l;
  }
}
