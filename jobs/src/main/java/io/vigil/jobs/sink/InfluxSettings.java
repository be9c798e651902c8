package io.vigil.jobs.sink;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.io.Serializable;

/** Where and how {@link InfluxDbSink} writes; {@link #toString()} never shows the password. */
public record InfluxSettings(
    String url,
    String database,
    String retentionPolicy,
    String retention,
    String user,
    String password,
    int batchSize,
    int maxRetries,
    long backoffMillis)
    implements Serializable {

  public static InfluxSettings from(VigilConfig c) {
    return new InfluxSettings(
        c.get(VigilOptions.INFLUX_URL),
        c.get(VigilOptions.INFLUX_DB),
        c.get(VigilOptions.INFLUX_RP),
        c.get(VigilOptions.INFLUX_RETENTION),
        c.get(VigilOptions.INFLUX_USER),
        c.get(VigilOptions.INFLUX_PASSWORD),
        c.get(VigilOptions.INFLUX_BATCH),
        c.get(VigilOptions.INFLUX_MAX_RETRIES),
        c.get(VigilOptions.INFLUX_BACKOFF).toMillis());
  }

  @Override
  public String toString() {
    return "InfluxSettings[url="
        + url
        + ", database="
        + database
        + ", retentionPolicy="
        + retentionPolicy
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "" : "******")
        + ", batchSize="
        + batchSize
        + "]";
  }
}
