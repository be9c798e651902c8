package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.logs.ErrorGroupRow;
import java.time.Instant;

/**
 * Error groups as the JSON messages of the error-groups topic, which the log job publishes every
 * time a group's figures change (once per log window at most) and the metrics job's Alertmanager
 * analysis reads:
 *
 * <pre>{@code
 * {"tenant": "acme", "service": "checkout", "error_hash": "<hex>", "template_id": "<hex>",
 *  "template": "payment gateway timeout after <*> ms", "severity": "ERROR",
 *  "example": "payment gateway timeout after 3000 ms", "first_seen": 1764928260000,
 *  "last_seen": 1764928320000, "first_seen_at": "2025-12-05T09:51:00Z", "count": 412,
 *  "affected_users": 87, "users_exact": true, "merged_into": null}
 * }</pre>
 *
 * Figures are cumulative (the row of {@code error_groups} as it is now), so a consumer keeps the
 * latest message per {@code error_hash}. {@code merged_into} names the group this one was folded
 * into when the template miner merged their templates. Decoding never throws: an unusable message
 * gives the reason.
 */
public final class ErrorGroupJsonCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ErrorGroupJsonCodec() {}

  /** A decoded error group, or the reason the message is not one. */
  public record Result(ErrorGroupRow group, String error) {}

  /** The message of an error group (UTF-8 JSON). */
  public static byte[] encode(ErrorGroupRow g) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("tenant", g.tenant());
    n.put("service", g.service());
    n.put("error_hash", g.errorHash());
    n.put("template_id", g.templateId());
    n.put("template", g.template());
    n.put("severity", g.severity());
    n.put("example", g.example());
    n.put("first_seen", g.firstSeen());
    n.put("last_seen", g.lastSeen());
    n.put("first_seen_at", Instant.ofEpochMilli(g.firstSeen()).toString());
    n.put("count", g.count());
    n.put("affected_users", g.affectedUsers());
    n.put("users_exact", g.usersExact());
    if (g.mergedInto() == null) {
      n.putNull("merged_into");
    } else {
      n.put("merged_into", g.mergedInto());
    }
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException("an error group that cannot be written as JSON", e);
    }
  }

  /** Decodes one message of the error-groups topic. */
  public static Result decode(byte[] message) {
    JsonNode n;
    try {
      n = message == null || message.length == 0 ? null : MAPPER.readTree(message);
    } catch (Exception e) {
      return new Result(null, "invalid JSON: " + e.getClass().getSimpleName());
    }
    if (n == null || !n.isObject()) {
      return new Result(null, "an error group must be a JSON object");
    }
    for (String field : new String[] {"tenant", "service", "error_hash", "template"}) {
      // the template may be empty (a group whose template the miner evicted), never missing
      boolean mayBeEmpty = field.equals("template");
      if (!n.path(field).isTextual() || (!mayBeEmpty && n.path(field).asText().isEmpty())) {
        return new Result(null, "field '" + field + "' must be a non-empty string");
      }
    }
    for (String field : new String[] {"first_seen", "last_seen", "count"}) {
      JsonNode v = n.path(field);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
        return new Result(null, "field '" + field + "' must be a whole number >= 0");
      }
    }
    if (n.path("first_seen").asLong() > n.path("last_seen").asLong()) {
      return new Result(null, "'first_seen' is after 'last_seen'");
    }
    JsonNode merged = n.path("merged_into");
    return new Result(
        new ErrorGroupRow(
            n.path("tenant").asText(),
            n.path("service").asText(),
            n.path("error_hash").asText(),
            n.path("template_id").asText(""),
            n.path("template").asText(),
            n.path("severity").asText(""),
            n.path("example").asText(""),
            n.path("first_seen").asLong(),
            n.path("last_seen").asLong(),
            n.path("count").asLong(),
            Math.max(0, n.path("affected_users").asLong(0)),
            n.path("users_exact").asBoolean(false),
            merged.isTextual() && !merged.asText().isEmpty() ? merged.asText() : null),
        null);
  }
}
