package io.vigil.common.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One log record after decoding: who sent it (tenant, service), when (event time, epoch millis),
 * its normalised severity ({@link io.vigil.common.logs.LogLevels}), the message to mine and its
 * attributes as strings.
 */
public record LogEvent(
    String tenant,
    String service,
    long timestamp,
    String severity,
    String message,
    Map<String, String> attributes) {

  /** Attributes that name the user an event affected, in order of preference. */
  public static final String[] USER_ATTRIBUTES = {"user", "user_id", "enduser.id"};

  public LogEvent {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    attributes = attributes == null ? new TreeMap<>() : new TreeMap<>(attributes);
  }

  /**
   * The template miner's scope: templates (and their ids) are per tenant and service. The separator
   * can't occur in a name, so different pairs never share a scope.
   */
  public String scope() {
    return scope(tenant, service);
  }

  /** The scope of a tenant and service (see {@link #scope()}). */
  public static String scope(String tenant, String service) {
    return tenant + '\u001f' + service;
  }

  /** The affected user named in the attributes, or null. */
  public String user() {
    for (String k : USER_ATTRIBUTES) {
      String v = attributes.get(k);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return null;
  }
}
