package io.vigil.jobs.alerts.notify;

/**
 * The final outcome of a notification: delivered, failed (after the last retry), duplicate (already
 * delivered before a restart), timeout, or unknown-channel.
 */
public record NotificationResult(
    String idempotencyKey,
    String channel,
    String alertId,
    String transition,
    String outcome,
    int attempts,
    String detail) {}
