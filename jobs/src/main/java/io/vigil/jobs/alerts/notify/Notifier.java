package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;
import java.util.List;

/** Sends one alert transition to one channel, synchronously, within its own timeout. */
public interface Notifier extends AutoCloseable {
  Delivery send(AlertTransition alert) throws Exception;

  /**
   * Sends one notification of a group. By default each member on its own, in order, stopping at the
   * first failure (a retry sends them all again: receivers dedupe by each member's key); channels
   * that can show a list override it with one message.
   */
  default Delivery sendGroup(String group, List<AlertTransition> members) throws Exception {
    Delivery d = null;
    for (AlertTransition m : members) {
      d = send(m);
      if (!d.ok()) {
        return d;
      }
    }
    return d;
  }

  @Override
  default void close() {}
}
