package io.vigil.jobs.alerts;

/**
 * One poll of the alerting control plane in PostgreSQL: every rule (enabled or not), the active
 * silences and maintenance windows, and recent acknowledgements, each as a JSON array. Broadcast
 * whole, so a deleted row simply disappears from the next snapshot.
 */
public record ControlSnapshot(
    long polledAt, String rulesJson, String silencesJson, String acksJson) {}
