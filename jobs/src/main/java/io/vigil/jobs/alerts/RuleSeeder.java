package io.vigil.jobs.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.common.rules.Durations;
import io.vigil.common.rules.RuleCodec;
import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
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
import java.util.List;
import java.util.UUID;

/**
 * Seeds {@code alert_rules} from a YAML file: a list of rules with name, tenant, scope, condition,
 * severity, channels and the timings as durations ({@code for: 5m}). Rules are upserted by (tenant,
 * name), so running the seed again updates them (and bumps their version) instead of duplicating; a
 * new rule's id is derived from its tenant and name ({@link #ruleId}).
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

  private RuleSeeder() {}

  /** Parses and validates the YAML; the message names the rule and what to fix. */
  public static List<JsonNode> parse(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("rule seed is not valid YAML: " + e.getMessage(), e);
    }
    JsonNode rules = root.has("rules") ? root.get("rules") : root;
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : rules) {
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

  /** Upserts the rules of a YAML seed; returns how many. */
  public static int seed(Connection db, String yaml) throws SQLException {
    List<JsonNode> rules = parse(yaml);
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

  /**
   * {@code vigil rules FILE [--config vigil.yaml] [--key value ...]}: upserts the rules of a YAML
   * seed into the configured database (migrating it first when {@code postgres.migrate-on-start}).
   */
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
    try {
      rules = parse(yaml);
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
      int n = seed(c, yaml);
      System.out.printf(
          "vigil rules: %d rule(s) upserted into alert_rules (%s)%n",
          n, String.join(", ", rules.stream().map(r -> r.get("name").asText()).toList()));
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

  private static int seconds(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    long ms = v.isNumber() ? v.asLong() * 1000 : Durations.parseMillis(v.asText());
    return (int) (ms / 1000);
  }
}
