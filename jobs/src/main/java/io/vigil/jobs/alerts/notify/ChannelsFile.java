package io.vigil.jobs.alerts.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads notification channels from a YAML file ({@code alerting.channels-file}). Secrets and
 * token-bearing URLs are never written in the file: {@code secret_env} and {@code url_env} name the
 * environment variables that hold them. Every problem is reported with the channel it concerns.
 */
public final class ChannelsFile {
  private static final List<String> FIELDS =
      List.of("name", "type", "url", "url_env", "secret_env", "user", "from", "to");
  private static final java.util.Set<String> SECRETS =
      java.util.Set.of("secret", "password", "token", "routing_key", "key");

  private ChannelsFile() {}

  /** The channels of {@code file}, secrets resolved from {@code env}. */
  public static List<ChannelConfig> load(Path file, Map<String, String> env) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "can't read alerting.channels-file " + file + ": " + e.getMessage(), e);
    }
    return parse(root == null ? null : root.get("channels"), env);
  }

  static List<ChannelConfig> parse(JsonNode channels, Map<String, String> env) {
    if (channels == null || !channels.isArray()) {
      throw new IllegalArgumentException("the channels file needs a list under 'channels'");
    }
    List<ChannelConfig> out = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (JsonNode c : channels) {
      String name = c.path("name").asText("");
      try {
        out.add(channel(c, env));
      } catch (IllegalArgumentException | NullPointerException e) {
        errors.add("channel '" + name + "': " + e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          "alerting.channels-file is invalid (type is one of webhook, slack, pagerduty, email):\n  - "
              + String.join("\n  - ", errors));
    }
    return out;
  }

  /**
   * One channel from its fields ({@code name}, {@code type}, {@code url} or {@code url_env}, {@code
   * secret_env}, {@code user}, {@code from}, {@code to}), secrets resolved from {@code env}.
   *
   * @throws IllegalArgumentException saying what is wrong (never a secret's value)
   */
  static ChannelConfig channel(JsonNode c, Map<String, String> env) {
    String name = c.path("name").asText("");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("needs a name");
    }
    for (var it = c.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (SECRETS.contains(field)) {
        throw new IllegalArgumentException(
            "'"
                + field
                + "' would store a secret in plain text: put it in an environment variable and"
                + " name that variable in secret_env");
      }
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "unknown field '" + field + "' (known: " + String.join(", ", FIELDS) + ")");
      }
    }
    String typeName = c.path("type").asText("");
    ChannelType type;
    try {
      type = ChannelType.valueOf(typeName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "type '" + typeName + "' is not one of webhook, slack, pagerduty, email");
    }
    String url = valueOrEnv(c, "url", env);
    String secret = c.hasNonNull("secret_env") ? env(c.get("secret_env").asText(), env) : null;
    List<String> to = new ArrayList<>();
    c.path("to").forEach(t -> to.add(t.asText()));
    return new ChannelConfig(name, type, url, secret, text(c, "user"), text(c, "from"), to);
  }

  private static String valueOrEnv(JsonNode c, String field, Map<String, String> env) {
    if (c.hasNonNull(field + "_env")) {
      return env(c.get(field + "_env").asText(), env);
    }
    if (!c.hasNonNull(field)) {
      throw new IllegalArgumentException("needs '" + field + "' or '" + field + "_env'");
    }
    return c.get(field).asText();
  }

  private static String env(String name, Map<String, String> env) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    return v;
  }

  private static String text(JsonNode c, String field) {
    return c.hasNonNull(field) ? c.get(field).asText() : null;
  }
}
