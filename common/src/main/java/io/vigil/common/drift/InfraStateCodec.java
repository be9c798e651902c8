package io.vigil.common.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes resource-state reports. One message is a report, an array of them, or a Terraform state
 * wrapped in a report:
 *
 * <ul>
 *   <li>{@code {"kind": "declared"|"actual", "environment", "resource", "type", "service", "state":
 *       {...}|null, "by", "timestamp"}}: {@code state} null or {@code "deleted": true} says the
 *       resource is gone;
 *   <li>{@code {"kind": "declared", "environment", "by", "timestamp", "terraform": <terraform show
 *       -json>}}: every managed resource of the root module and its child modules, by address, with
 *       its {@code values}.
 * </ul>
 *
 * A timestamp is epoch millis or RFC 3339; without one the Kafka timestamp is used. Problems become
 * reasons, one per unusable report, never exceptions.
 */
public final class InfraStateCodec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The reports of one message and the reasons some of it could not be used. */
  public record Result(List<ResourceState> states, List<String> errors) {}

  public Result decode(byte[] message, long kafkaTimestamp) {
    List<ResourceState> states = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    JsonNode root;
    try {
      root = message == null || message.length == 0 ? null : MAPPER.readTree(message);
    } catch (Exception e) {
      errors.add("invalid JSON: " + firstLine(e.getMessage()));
      return new Result(states, errors);
    }
    if (root != null && root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        decodeOne(root.get(i), "[" + i + "]: ", kafkaTimestamp, states, errors);
      }
    } else {
      decodeOne(root, "", kafkaTimestamp, states, errors);
    }
    return new Result(states, errors);
  }

  private static void decodeOne(
      JsonNode r, String where, long kafkaTimestamp, List<ResourceState> out, List<String> errors) {
    if (r == null || !r.isObject()) {
      errors.add(where + "expected a resource-state report (a JSON object)");
      return;
    }
    String kind = r.path("kind").asText("");
    if (!kind.equals("declared") && !kind.equals("actual")) {
      errors.add(where + "field 'kind' must be declared or actual");
      return;
    }
    String environment = r.path("environment").asText("");
    if (environment.isBlank()) {
      errors.add(where + "field 'environment' is missing");
      return;
    }
    Long ts = timestamp(r.get("timestamp"), kafkaTimestamp);
    if (ts == null) {
      errors.add(where + "field 'timestamp' must be epoch millis or an RFC 3339 time");
      return;
    }
    boolean declared = kind.equals("declared");
    String by = r.path("by").asText("");
    if (r.has("terraform")) {
      if (!declared) {
        errors.add(where + "a Terraform state is a declared state ('kind': 'declared')");
        return;
      }
      JsonNode module = r.path("terraform").path("values").path("root_module");
      if (!module.isObject()) {
        errors.add(where + "field 'terraform' has no values.root_module (terraform show -json)");
        return;
      }
      terraform(module, environment, by, ts, out);
      return;
    }
    String resource = r.path("resource").asText("");
    if (resource.isBlank()) {
      errors.add(where + "field 'resource' is missing");
      return;
    }
    JsonNode state = r.get("state");
    boolean gone = r.path("deleted").asBoolean(false) || state == null || state.isNull();
    if (!gone && !state.isObject()) {
      errors.add(where + "field 'state' must be a JSON object (or null for a deleted resource)");
      return;
    }
    out.add(
        new ResourceState(
            environment,
            resource,
            r.path("type").asText(""),
            r.path("service").asText(""),
            declared,
            gone ? null : state.toString(),
            by,
            ts));
  }

  private static void terraform(
      JsonNode module, String environment, String by, long ts, List<ResourceState> out) {
    for (JsonNode res : module.path("resources")) {
      if (!res.path("mode").asText("managed").equals("managed")) {
        continue; // data sources are read, not declared
      }
      JsonNode values = res.path("values");
      JsonNode tags = values.path("tags");
      out.add(
          new ResourceState(
              environment,
              res.path("address").asText(),
              res.path("type").asText(""),
              tags.isObject() ? tags.path("service").asText("") : "",
              true,
              values.isObject() ? values.toString() : "{}",
              by,
              ts));
    }
    for (JsonNode child : module.path("child_modules")) {
      terraform(child, environment, by, ts, out);
    }
  }

  private static Long timestamp(JsonNode t, long kafkaTimestamp) {
    if (t == null || t.isNull()) {
      return kafkaTimestamp;
    }
    if (t.isIntegralNumber()) {
      return t.longValue();
    }
    if (t.isTextual()) {
      try {
        return OffsetDateTime.parse(t.textValue()).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  private static String firstLine(String s) {
    String line = s == null ? "unreadable" : s.split("\n")[0];
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
