package io.vigil.jobs.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.common.alerts.InhibitRule;
import io.vigil.common.rules.Durations;
import io.vigil.common.rules.RuleCodec;
import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.db.AuditLog;
import io.vigil.jobs.db.Migrations;
import io.vigil.jobs.db.ModelRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Seeds {@code alert_rules} from a YAML file: a list of rules with name, tenant, scope, condition,
 * severity, channels and the timings as durations ({@code for: 5m}). Rules are upserted by (tenant,
 * name), so running the seed again updates them (and bumps their version) instead of duplicating; a
 * new rule's id is derived from its tenant and name ({@link #ruleId}). The file may also hold
 * {@code inhibit_rules} (Alertmanager's names: {@code source_matchers}, {@code target_matchers},
 * {@code equal}, plus {@code wait}), upserted into {@code inhibit_rules} by (tenant, name) the same
 * way.
 */
public final class RuleSeeder {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String UPSERT =
      "INSERT INTO alert_rules (id, tenant, name, description, scope, conditions, severity, channels,"
          + " active, for_seconds, repeat_interval_seconds, suppress_duration_seconds,"
          + " max_alerts_per_hour, auto_resolve_seconds, escalation_delay_seconds, runbook_url,"
          + " group_by, group_wait_seconds, group_interval_seconds)"
          + " VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb,"
          + " ?, ?)"
          + " ON CONFLICT (tenant, name) DO UPDATE SET description = EXCLUDED.description,"
          + " scope = EXCLUDED.scope, conditions = EXCLUDED.conditions,"
          + " severity = EXCLUDED.severity, channels = EXCLUDED.channels,"
          + " active = EXCLUDED.active, for_seconds = EXCLUDED.for_seconds,"
          + " repeat_interval_seconds = EXCLUDED.repeat_interval_seconds,"
          + " suppress_duration_seconds = EXCLUDED.suppress_duration_seconds,"
          + " max_alerts_per_hour = EXCLUDED.max_alerts_per_hour,"
          + " auto_resolve_seconds = EXCLUDED.auto_resolve_seconds,"
          + " escalation_delay_seconds = EXCLUDED.escalation_delay_seconds,"
          + " runbook_url = EXCLUDED.runbook_url, group_by = EXCLUDED.group_by,"
          + " group_wait_seconds = EXCLUDED.group_wait_seconds,"
          + " group_interval_seconds = EXCLUDED.group_interval_seconds";

  private static final String UPSERT_INHIBIT =
      "INSERT INTO inhibit_rules (id, tenant, name, source_matchers, target_matchers,"
          + " equal_labels, wait_seconds, active) VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?)"
          + " ON CONFLICT (tenant, name) DO UPDATE SET source_matchers = EXCLUDED.source_matchers,"
          + " target_matchers = EXCLUDED.target_matchers, equal_labels = EXCLUDED.equal_labels,"
          + " wait_seconds = EXCLUDED.wait_seconds, active = EXCLUDED.active";

  private RuleSeeder() {}

  /** Parses and validates the YAML; the message names the rule and what to fix. */
  public static List<JsonNode> parse(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : section(readYaml(yaml), "rules")) {
      if (!n.hasNonNull("name") || !n.hasNonNull("tenant")) {
        throw new IllegalArgumentException("every seeded rule needs 'name' and 'tenant': " + n);
      }
      ObjectNode withId = ((ObjectNode) n).deepCopy();
      withId.put("id", n.get("name").asText());
      RuleCodec.fromJson(withId); // validates condition, severity and durations
      String runbook = n.path("runbook_url").asText("");
      if (!runbook.isEmpty() && !runbook.matches("(?i)https?://\\S+")) {
        throw new IllegalArgumentException(
            "rule '"
                + n.get("name").asText()
                + "': runbook_url must be an http(s) URL, got '"
                + runbook
                + "'");
      }
      out.add(n);
    }
    return out;
  }

  /**
   * The {@code inhibit_rules} of a seed, validated; the message names the rule and what to fix. A
   * rule needs a name, a tenant and target matchers (without them it would mute every alert of the
   * tenant); matchers map labels to values (an exact value or a {@code prefix*}).
   */
  public static List<JsonNode> parseInhibitRules(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : section(readYaml(yaml), "inhibit_rules")) {
      if (!n.hasNonNull("name") || !n.hasNonNull("tenant")) {
        throw new IllegalArgumentException(
            "every seeded inhibit rule needs 'name' and 'tenant': " + n);
      }
      String name = n.get("name").asText();
      checkMatchers(name, n, "source_matchers", false);
      checkMatchers(name, n, "target_matchers", true);
      JsonNode equal = n.path("equal");
      if (!equal.isMissingNode() && !(equal.isArray() && allText(equal))) {
        throw new IllegalArgumentException(
            "inhibit rule '" + name + "': equal must be a list of label names, got " + equal);
      }
      if (n.has("wait")) {
        try {
          if (seconds(n, "wait") < 0) {
            throw new IllegalArgumentException("it is negative");
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "inhibit rule '" + name + "': wait must be a duration like 10s: " + e.getMessage(),
              e);
        }
      }
      out.add(n);
    }
    return out;
  }

  /** Upserts the rules (and inhibit rules) of a YAML seed; returns how many alert rules. */
  public static int seed(Connection db, String yaml) throws SQLException {
    List<JsonNode> rules = parse(yaml);
    List<JsonNode> inhibitRules = parseInhibitRules(yaml);
    seedInhibitRules(db, inhibitRules);
    try (PreparedStatement ps = db.prepareStatement(UPSERT)) {
      for (JsonNode n : rules) {
        ps.setObject(1, ruleId(n.get("tenant").asText(), n.get("name").asText()));
        ps.setString(2, n.get("tenant").asText());
        ps.setString(3, n.get("name").asText());
        ps.setString(4, n.path("description").asText(null));
        ps.setString(5, n.has("scope") ? n.get("scope").toString() : "{}");
        ps.setString(6, n.get("condition").toString());
        ps.setString(7, n.path("severity").asText("medium"));
        ps.setString(8, n.has("channels") ? n.get("channels").toString() : "[]");
        ps.setBoolean(9, n.path("enabled").asBoolean(true));
        ps.setInt(10, seconds(n, "for"));
        ps.setInt(11, seconds(n, "repeat_interval"));
        ps.setInt(12, seconds(n, "cooldown"));
        ps.setInt(13, n.path("max_per_hour").asInt(0));
        ps.setInt(14, n.has("auto_resolve") ? seconds(n, "auto_resolve") : 300);
        ps.setInt(15, seconds(n, "escalation_delay"));
        ps.setString(16, n.path("runbook_url").asText(null));
        ps.setString(17, n.has("group_by") ? n.get("group_by").toString() : "[]");
        ps.setInt(18, seconds(n, "group_wait"));
        ps.setInt(19, seconds(n, "group_interval"));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    return rules.size();
  }

  private static void seedInhibitRules(Connection db, List<JsonNode> rules) throws SQLException {
    if (rules.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = db.prepareStatement(UPSERT_INHIBIT)) {
      for (JsonNode n : rules) {
        String tenant = n.get("tenant").asText();
        String name = n.get("name").asText();
        ps.setObject(1, inhibitRuleId(tenant, name));
        ps.setString(2, tenant);
        ps.setString(3, name);
        ps.setString(
            4, n.path("source_matchers").isObject() ? n.get("source_matchers").toString() : "{}");
        ps.setString(5, n.get("target_matchers").toString());
        ps.setString(6, n.has("equal") ? n.get("equal").toString() : "[]");
        ps.setInt(
            7, n.has("wait") ? seconds(n, "wait") : (int) (InhibitRule.DEFAULT_WAIT_MS / 1000));
        ps.setBoolean(8, n.path("enabled").asBoolean(true));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * {@code vigil rules FILE [--config vigil.yaml] [--key value ...]}: upserts the rules of a YAML
   * seed into the configured database (migrating it first when {@code postgres.migrate-on-start}).
   */
  /**
   * {@link #seed} and an {@code audit_log} entry (action {@code rules.seed}: the file's name and
   * the rules' and inhibit rules' names), in one transaction.
   */
  public static int seedAudited(Connection c, String fileName, String yaml, String actor)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      int n = seed(c, yaml);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("file", fileName);
      details.put("rules", parse(yaml).stream().map(r -> r.get("name").asText()).toList());
      details.put(
          "inhibit_rules",
          parseInhibitRules(yaml).stream().map(r -> r.get("name").asText()).toList());
      AuditLog.write(c, actor, "rules.seed", "alert_rules", fileName, details);
      c.commit();
      return n;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println(
          "usage: vigil rules RULES.yaml [--config vigil.yaml] [--postgres.url ... overrides]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      System.err.println("vigil rules: cannot read " + file + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    List<JsonNode> rules;
    List<JsonNode> inhibitRules;
    try {
      rules = parse(yaml);
      inhibitRules = parseInhibitRules(yaml);
    } catch (IllegalArgumentException e) {
      System.err.println("vigil rules: " + file + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    VigilConfig config = Cli.configOrExit(Arrays.copyOfRange(args, 1, args.length));
    if (config.get(VigilOptions.PG_MIGRATE)) {
      Migrations.migrate(config);
    }
    try (Connection c = ModelRegistry.connect(config)) {
      int n = seedAudited(c, file.getFileName().toString(), yaml, AuditLog.actor(System.getenv()));
      System.out.printf(
          "vigil rules: %d rule(s) upserted into alert_rules (%s)%n",
          n, String.join(", ", rules.stream().map(r -> r.get("name").asText()).toList()));
      if (!inhibitRules.isEmpty()) {
        System.out.printf(
            "vigil rules: %d inhibit rule(s) upserted into inhibit_rules (%s)%n",
            inhibitRules.size(),
            String.join(", ", inhibitRules.stream().map(r -> r.get("name").asText()).toList()));
      }
    }
  }

  /**
   * The id a seeded rule gets when it is first inserted: a name-based UUID of tenant and name, so
   * the same seed file gives the same rule ids, and so the same alert fingerprints, in every
   * database (staging and production, a restored backup, a test's schema).
   */
  public static UUID ruleId(String tenant, String name) {
    return UUID.nameUUIDFromBytes(
        ("vigil-alert-rule\u0000" + tenant + "\u0000" + name).getBytes(StandardCharsets.UTF_8));
  }

  /** The id a seeded inhibit rule gets when it is first inserted, as {@link #ruleId}. */
  public static UUID inhibitRuleId(String tenant, String name) {
    return UUID.nameUUIDFromBytes(
        ("vigil-inhibit-rule\u0000" + tenant + "\u0000" + name).getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode readYaml(String yaml) {
    try {
      JsonNode root = YAML.readTree(yaml);
      return root == null ? YAML.createArrayNode() : root;
    } catch (IOException e) {
      throw new IllegalArgumentException("rule seed is not valid YAML: " + e.getMessage(), e);
    }
  }

  /**
   * A list section of the seed: the file is either a list of alert rules or a map with {@code
   * rules} and / or {@code inhibit_rules}.
   */
  private static JsonNode section(JsonNode root, String name) {
    if (root.isArray()) {
      return "rules".equals(name) ? root : YAML.createArrayNode();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          "rule seed must be a list of rules or a map with 'rules' and/or 'inhibit_rules'");
    }
    for (var it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("rules") && !f.equals("inhibit_rules")) {
        throw new IllegalArgumentException(
            "rule seed: unknown section '" + f + "' (known: rules, inhibit_rules)");
      }
    }
    JsonNode s = root.path(name);
    if (s.isMissingNode() || s.isNull()) {
      return YAML.createArrayNode();
    }
    if (!s.isArray()) {
      throw new IllegalArgumentException("rule seed: '" + name + "' must be a list");
    }
    return s;
  }

  private static void checkMatchers(String rule, JsonNode n, String field, boolean required) {
    JsonNode m = n.path(field);
    if (m.isMissingNode() && !required) {
      return;
    }
    if (!m.isObject() || !allText(m) || (required && m.isEmpty())) {
      throw new IllegalArgumentException(
          "inhibit rule '"
              + rule
              + "': "
              + field
              + " must be a map of label: value"
              + (required ? " with at least one entry (else it would mute every alert)" : "")
              + ", got "
              + (m.isMissingNode() ? "nothing" : m.toString()));
    }
  }

  private static boolean allText(JsonNode container) {
    for (JsonNode v : container) {
      if (!v.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static int seconds(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    long ms = v.isNumber() ? v.asLong() * 1000 : Durations.parseMillis(v.asText());
    return (int) (ms / 1000);
  }
}
