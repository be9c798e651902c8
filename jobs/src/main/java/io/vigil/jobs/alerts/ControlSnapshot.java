package io.vigil.jobs.alerts;

/**
 * One poll of the alerting control plane in PostgreSQL: every rule (enabled or not), the active
 * silences and maintenance windows, recent acknowledgements, the auto-analyze rules for alerts from
 * Alertmanager and the inhibition rules, each as a JSON array. Broadcast whole, so a deleted row
 * simply disappears from the next snapshot.
 */
public record ControlSnapshot(
    long polledAt,
    String rulesJson,
    String silencesJson,
    String acksJson,
    String analyzeRulesJson,
    String inhibitRulesJson) {

  /** A snapshot without inhibition rules. */
  public ControlSnapshot(
      long polledAt,
      String rulesJson,
      String silencesJson,
      String acksJson,
      String analyzeRulesJson) {
    this(polledAt, rulesJson, silencesJson, acksJson, analyzeRulesJson, "[]");
  }

  /** A snapshot without auto-analyze and inhibition rules. */
  public ControlSnapshot(long polledAt, String rulesJson, String silencesJson, String acksJson) {
    this(polledAt, rulesJson, silencesJson, acksJson, "[]", "[]");
  }
}
