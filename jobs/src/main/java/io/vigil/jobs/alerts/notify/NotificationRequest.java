package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;

/** One transition to deliver to one channel. */
public record NotificationRequest(String channel, AlertTransition alert) {}
