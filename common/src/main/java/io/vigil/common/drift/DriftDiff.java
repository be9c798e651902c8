package io.vigil.common.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.DiffFlags;
import com.flipkart.zjsonpatch.JsonDiff;
import io.vigil.common.alerts.Fingerprint;
import io.vigil.common.model.Severity;
import io.vigil.common.util.Glob;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What differs between a resource's declared and actual state, property by property (an RFC 6902
 * diff by zjsonpatch, its JSON-pointer paths as property paths).
 *
 * <ul>
 *   <li>A property only the running resource has is not drift when the code does not declare its
 *       key at all (platform defaults and computed attributes: ids, ARNs, creation times); a new
 *       element of a declared list is (an ingress rule added by hand).
 *   <li>Paths matching {@code ignorePaths} (globs over the path: status, resource versions, etags)
 *       are never drift.
 *   <li>Paths matching {@code securityPaths} are security-critical (ingress, IAM, encryption...).
 *   <li>Values at paths matching {@code secretPaths} are replaced by a short hash before they are
 *       stored anywhere: the change shows, the password does not.
 * </ul>
 */
public final class DriftDiff implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final EnumSet<DiffFlags> FLAGS =
      EnumSet.of(
          DiffFlags.OMIT_MOVE_OPERATION,
          DiffFlags.OMIT_COPY_OPERATION,
          DiffFlags.ADD_ORIGINAL_VALUE_ON_REPLACE);

  /** Volatile properties of Kubernetes objects and cloud resources that change on their own. */
  public static final String DEFAULT_IGNORE =
      "/status*,/metadata/resourceVersion,/metadata/generation,/metadata/managedFields*,"
          + "/metadata/uid,/metadata/creationTimestamp,*/last_modified*,*/etag,*/updated_at,"
          + "/timeouts*";

  /** Properties whose change weakens security. */
  public static final String DEFAULT_SECURITY =
      "*ingress*,*egress*,*cidr*,*security_group*,*iam*,*polic*,*role*,*public*,*encrypt*,*kms*,"
          + "*tls*,*ssl*,*acl*,*firewall*,*privileged*,*password*,*secret*,*token*";

  /** Properties whose values are never stored. */
  public static final String DEFAULT_SECRETS =
      "*password*,*secret*,*token*,*private_key*,*credentials*";

  /** One changed property: values as JSON text (null when absent on that side). */
  public record Change(
      String path, String declared, String actual, String changeType, boolean securityCritical) {}

  private final String ignorePaths;
  private final String securityPaths;
  private final String secretPaths;
  private transient List<Pattern> ignore;
  private transient List<Pattern> security;
  private transient List<Pattern> secrets;

  public DriftDiff(String ignorePaths, String securityPaths, String secretPaths) {
    this.ignorePaths = ignorePaths;
    this.securityPaths = securityPaths;
    this.secretPaths = secretPaths;
  }

  /** With the default path lists. */
  public static DriftDiff defaults() {
    return new DriftDiff(DEFAULT_IGNORE, DEFAULT_SECURITY, DEFAULT_SECRETS);
  }

  /** The changes that take {@code declaredJson} to {@code actualJson} (both JSON objects). */
  public List<Change> changes(String declaredJson, String actualJson) {
    compile();
    JsonNode declared = read(declaredJson);
    JsonNode actual = read(actualJson);
    List<Change> out = new ArrayList<>();
    for (JsonNode op : JsonDiff.asJson(declared, actual, FLAGS)) {
      String path = op.path("path").asText();
      if (Glob.any(ignore, path)) {
        continue;
      }
      String kind = op.path("op").asText();
      JsonNode before;
      JsonNode after;
      String type;
      switch (kind) {
        case "add" -> {
          if (!declared.at(parent(path)).isArray()) {
            continue; // a key the code does not declare: not managed by it
          }
          before = null;
          after = op.get("value");
          type = "added";
        }
        case "remove" -> {
          before = declared.at(path);
          after = null;
          type = "removed";
        }
        default -> {
          before = op.get("fromValue");
          after = op.get("value");
          type = "modified";
        }
      }
      boolean secret = Glob.any(secrets, path);
      out.add(
          new Change(
              path, shown(before, secret), shown(after, secret), type, Glob.any(security, path)));
    }
    return out;
  }

  /**
   * How bad a drift is, in [0, 1]: a resource deleted behind the code's back 0.9, one nobody
   * declared 0.6, changed properties 0.3 plus 0.1 for each more (at most 0.7); a security-critical
   * property at least 0.85.
   */
  public static double severityScore(String driftType, List<Change> changes) {
    double s =
        switch (driftType) {
          case "deleted" -> 0.9;
          case "added" -> 0.6;
          default -> Math.min(0.7, 0.3 + 0.1 * Math.max(0, changes.size() - 1));
        };
    for (Change c : changes) {
      if (c.securityCritical()) {
        s = Math.max(s, 0.85);
      }
    }
    return s;
  }

  /** The severity level of a score: critical from 0.85, high from 0.6, medium from 0.4. */
  public static Severity severity(double score) {
    return score >= 0.85
        ? Severity.CRITICAL
        : score >= 0.6 ? Severity.HIGH : score >= 0.4 ? Severity.MEDIUM : Severity.LOW;
  }

  /** The changes as a JSON array (for {@code drift_events.changes}). */
  public static String json(List<Change> changes) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Change c : changes) {
      ObjectNode o = a.addObject();
      o.put("path", c.path());
      o.set("declared", c.declared() == null ? null : read(c.declared()));
      o.set("actual", c.actual() == null ? null : read(c.actual()));
      o.put("change_type", c.changeType());
      o.put("security_critical", c.securityCritical());
    }
    return a.toString();
  }

  /**
   * A state with the values of its secret properties replaced by short hashes (null stays null),
   * for storing whole states.
   */
  public String redact(String stateJson) {
    if (stateJson == null) {
      return null;
    }
    compile();
    JsonNode root = read(stateJson);
    redact(root, "");
    return root.toString();
  }

  private void redact(JsonNode node, String path) {
    if (node instanceof ObjectNode o) {
      for (var it = o.fields(); it.hasNext(); ) {
        var e = it.next();
        String p = path + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
        if (Glob.any(secrets, p)) {
          e.setValue(MAPPER.getNodeFactory().textNode(redacted(e.getValue())));
        } else {
          redact(e.getValue(), p);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        redact(a.get(i), path + "/" + i);
      }
    }
  }

  private static String redacted(JsonNode v) {
    return "<redacted " + Fingerprint.sha256Hex(v.toString()).substring(0, 8) + ">";
  }

  private void compile() {
    if (ignore == null) {
      ignore = Glob.list(ignorePaths);
      security = Glob.list(securityPaths);
      secrets = Glob.list(secretPaths);
    }
  }

  private static String shown(JsonNode v, boolean secret) {
    if (v == null || v.isMissingNode()) {
      return null;
    }
    if (secret) {
      return MAPPER.getNodeFactory().textNode(redacted(v)).toString();
    }
    return v.toString();
  }

  private static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "" : path.substring(0, i);
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }
}
