package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;

/** Sends one alert transition to one channel, synchronously, within its own timeout. */
public interface Notifier extends AutoCloseable {
  Delivery send(AlertTransition alert) throws Exception;

  @Override
  default void close() {}
}
