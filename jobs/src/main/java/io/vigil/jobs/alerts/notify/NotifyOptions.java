package io.vigil.jobs.alerts.notify;

import java.io.Serializable;
import java.time.Duration;

/**
 * Delivery settings: per-request timeout, attempts, first backoff (doubling), threads per channel,
 * and the PostgreSQL connection for the attempt log. {@link #toString()} hides the password.
 */
public record NotifyOptions(
    Duration requestTimeout,
    int maxAttempts,
    Duration backoff,
    int threadsPerChannel,
    String pgUrl,
    String pgUser,
    String pgPassword)
    implements Serializable {

  /** The async operator's overall timeout: every attempt timing out, plus every backoff. */
  public Duration overallTimeout() {
    long backoffs = backoff.toMillis() * ((1L << Math.min(maxAttempts, 10)) - 1);
    return Duration.ofMillis(requestTimeout.toMillis() * maxAttempts + backoffs + 5_000);
  }

  @Override
  public String toString() {
    return "NotifyOptions[timeout=" + requestTimeout + ", attempts=" + maxAttempts + ", pg=***]";
  }
}
