package io.vigil.jobs.alerts.notify;

/** The notification channel types, as in {@code notification_channel}. */
public enum ChannelType {
  WEBHOOK,
  SLACK,
  PAGERDUTY,
  EMAIL
}
