package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;
import java.util.List;

/**
 * One transition to deliver to one channel, or one notification of a group.
 *
 * @param alert the transition; for a group, its first member (tenant and labels for the channel)
 * @param members empty for one transition; for a group notification, every member in order
 */
public record NotificationRequest(
    String channel, AlertTransition alert, List<AlertTransition> members) {
  public NotificationRequest {
    members = members == null ? List.of() : List.copyOf(members);
  }

  /** True for a group notification. */
  public boolean grouped() {
    return !members.isEmpty();
  }
}
