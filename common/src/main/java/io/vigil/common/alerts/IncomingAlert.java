package io.vigil.common.alerts;

import io.vigil.common.model.Severity;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One alert from Prometheus Alertmanager, as its webhook receiver sends it (see {@code
 * AlertmanagerCodec}), with the service Vigil knows it by and what the auto-analyze rules decided.
 *
 * @param fingerprint Alertmanager's fingerprint (its hash of the labels), or Vigil's when absent
 * @param firing {@code status} firing (true) or resolved
 * @param startsAt when the alert started firing, epoch millis
 * @param endsAt when it resolved (resolved alerts) or 0
 * @param severity the {@code severity} label mapped to Vigil's scale ({@link #severityOf})
 * @param source the service: label {@code source}, {@code service.name}, {@code service} or {@code
 *     job}, the first set, as the metrics decoders name a series' source; empty when none is
 * @param ruleId the matching {@code auto_analyze_rules} row, empty when none matched
 * @param action {@code auto_analyze}, {@code ignore} or {@code manual}
 */
public record IncomingAlert(
    String fingerprint,
    boolean firing,
    long startsAt,
    long endsAt,
    String alertName,
    Severity severity,
    String tenant,
    String source,
    String instance,
    Map<String, String> labels,
    Map<String, String> annotations,
    String generatorUrl,
    String ruleId,
    String action) {

  /** The actions an auto-analyze rule can take. */
  public static final String ANALYZE = "auto_analyze";

  public static final String IGNORE = "ignore";
  public static final String MANUAL = "manual";

  /** Key of the service whose anomalies explain the alert: tenant and source. */
  public String serviceKey() {
    return serviceKey(tenant, source);
  }

  /** The key of a tenant's service (shared with anomalies, keyed the same way). */
  public static String serviceKey(String tenant, String source) {
    return tenant + '\u001f' + source;
  }

  /** {@code alerts.id} of this alert episode: Alertmanager's fingerprint and start. */
  public UUID alertId() {
    return UUID.nameUUIDFromBytes(
        ("alertmanager|" + fingerprint + "|" + startsAt).getBytes(StandardCharsets.UTF_8));
  }

  /** This alert with the decision of the auto-analyze rules. */
  public IncomingAlert withRule(String id, String chosenAction) {
    return new IncomingAlert(
        fingerprint,
        firing,
        startsAt,
        endsAt,
        alertName,
        severity,
        tenant,
        source,
        instance,
        labels,
        annotations,
        generatorUrl,
        id,
        chosenAction);
  }

  /**
   * Vigil's severity for an Alertmanager {@code severity} label. Conventions differ between rule
   * sets (critical / warning / info, page / ticket, P1-P5, error): each is mapped to the nearest
   * level; a missing or unknown label is medium.
   */
  public static Severity severityOf(String label) {
    if (label == null) {
      return Severity.MEDIUM;
    }
    return switch (label.trim().toLowerCase(Locale.ROOT)) {
      case "critical", "crit", "emergency", "fatal", "page", "p1", "sev1", "disaster" ->
          Severity.CRITICAL;
      case "error", "high", "major", "p2", "sev2" -> Severity.HIGH;
      case "info", "informational", "low", "minor", "notice", "none", "p4", "p5", "sev4" ->
          Severity.LOW;
      default -> Severity.MEDIUM;
    };
  }
}
