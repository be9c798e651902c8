package io.vigil.common.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.util.Glob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code auto_analyze_rules} of the control plane: what to do with an alert from Alertmanager.
 * The enabled rule with the lowest {@code priority} (then the lowest id) whose glob patterns match
 * the alert's name and its {@code severity} label decides: {@code auto_analyze} (Vigil explains it
 * with the anomalies of its service), {@code ignore} (recorded, not analysed) or {@code manual}
 * (recorded for a person to look at). Globs: {@code *} any run of characters, {@code ?} one,
 * case-insensitive; an empty pattern matches everything.
 */
public final class AnalyzeRules {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** No rules: every alert gets the default action. */
  public static final AnalyzeRules NONE = new AnalyzeRules(List.of());

  /** One rule. */
  public record Rule(
      String id, String name, int priority, Pattern alertName, Pattern severity, String action) {}

  private final List<Rule> rules;

  private AnalyzeRules(List<Rule> rules) {
    this.rules = rules;
  }

  /** The rules in the order they are tried. */
  public List<Rule> rules() {
    return rules;
  }

  /**
   * Parses the control plane's JSON array {@code [{"id","name","priority","alert_name_pattern",
   * "severity_pattern","action","enabled"}]}; disabled rules are left out. Null or blank: none.
   */
  public static AnalyzeRules parse(String json) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("auto_analyze_rules: invalid JSON: " + e.getMessage(), e);
    }
    List<Rule> out = new ArrayList<>();
    for (JsonNode r : root) {
      if (!r.path("enabled").asBoolean(true)) {
        continue;
      }
      String action = r.path("action").asText(IncomingAlert.ANALYZE);
      if (!List.of(IncomingAlert.ANALYZE, IncomingAlert.IGNORE, IncomingAlert.MANUAL)
          .contains(action)) {
        continue; // the table's CHECK constraint allows no other value
      }
      out.add(
          new Rule(
              r.path("id").asText(),
              r.path("name").asText(),
              r.path("priority").asInt(100),
              glob(r.path("alert_name_pattern").asText("")),
              glob(r.path("severity_pattern").asText("")),
              action));
    }
    out.sort(Comparator.comparingInt(Rule::priority).thenComparing(Rule::id));
    return new AnalyzeRules(List.copyOf(out));
  }

  /** The first rule matching an alert's name and severity label (null: none or absent). */
  public Rule match(String alertName, String severityLabel) {
    String severity = severityLabel == null ? "" : severityLabel;
    for (Rule r : rules) {
      if (r.alertName().matcher(alertName).matches() && r.severity().matcher(severity).matches()) {
        return r;
      }
    }
    return null;
  }

  /** A case-insensitive regular expression for a glob of {@code *} and {@code ?}. */
  static Pattern glob(String glob) {
    return Glob.compile(glob);
  }

  @Override
  public String toString() {
    return rules.stream()
        .map(r -> r.priority() + ":" + r.name() + "->" + r.action())
        .toList()
        .toString();
  }
}
