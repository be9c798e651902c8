package io.vigil.jobs.alerts;

import io.vigil.jobs.alerts.notify.ChannelConfig;
import io.vigil.jobs.alerts.notify.NotifyOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the alerting pipeline. Secrets (PostgreSQL password, channel secrets) are held here
 * but never printed: {@link #toString()} leaves them out.
 *
 * @param controlPollInterval how often rules, silences and acknowledgements are re-read
 * @param maxPatternWindow the CEP {@code within} bound; rule windows and for-durations above it are
 *     rejected at routing
 * @param tickInterval how often an open alert re-checks acks, silences, auto-resolve, repeat
 * @param staleAfter an open alert with no signal for this long resolves ("no data")
 * @param absenceRetention a deadman key silent this long is forgotten
 * @param lateTolerance how far behind the watermark a rule event that is in order for its series is
 *     still evaluated (see {@code LateToleranceOperator}); zero drops every late event
 */
public record AlertingConfig(
    Duration controlPollInterval,
    Duration maxPatternWindow,
    Duration tickInterval,
    Duration staleAfter,
    Duration absenceRetention,
    String kafkaBootstrap,
    String alertsTopic,
    String pgUrl,
    String pgUser,
    String pgPassword,
    Map<String, ChannelConfig> channels,
    Duration notifyTimeout,
    int notifyMaxAttempts,
    Duration notifyBackoff,
    int notifyCapacity,
    Duration lateTolerance)
    implements Serializable {

  public static final String DEFAULT_TOPIC = "vigil.alerts";

  public AlertingConfig {
    channels = Map.copyOf(channels == null ? Map.of() : channels);
    if (maxPatternWindow.isNegative() || maxPatternWindow.isZero()) {
      throw new IllegalArgumentException("alerting max pattern window must be positive");
    }
    if (tickInterval.toMillis() < 10) {
      throw new IllegalArgumentException("alerting tick interval must be at least 10ms");
    }
    if (lateTolerance == null || lateTolerance.isNegative()) {
      throw new IllegalArgumentException("alerting late tolerance must be zero or positive");
    }
    if (pgUrl == null || pgUrl.isBlank()) {
      throw new IllegalArgumentException("alerting needs a PostgreSQL URL (VIGIL_PG_URL)");
    }
  }

  /** Production defaults around the given connections. */
  public static AlertingConfig defaults(
      String kafkaBootstrap, String pgUrl, String pgUser, String pgPassword) {
    return new AlertingConfig(
        Duration.ofSeconds(10),
        Duration.ofHours(6),
        Duration.ofSeconds(15),
        Duration.ofMinutes(30),
        Duration.ofDays(1),
        kafkaBootstrap,
        DEFAULT_TOPIC,
        pgUrl,
        pgUser,
        pgPassword,
        Map.of(),
        Duration.ofSeconds(10),
        5,
        Duration.ofSeconds(1),
        100,
        Duration.ofMinutes(2));
  }

  public AlertingConfig withChannels(ChannelConfig... cs) {
    Map<String, ChannelConfig> m = new LinkedHashMap<>();
    for (ChannelConfig c : cs) {
      m.put(c.name(), c);
    }
    return copy(controlPollInterval, tickInterval, notifyBackoff, alertsTopic, m);
  }

  public AlertingConfig withAlertsTopic(String topic) {
    return copy(controlPollInterval, tickInterval, notifyBackoff, topic, channels);
  }

  public AlertingConfig withTimings(Duration poll, Duration tick, Duration backoff) {
    return copy(poll, tick, backoff, alertsTopic, channels);
  }

  public AlertingConfig withLateTolerance(Duration tolerance) {
    return new AlertingConfig(
        controlPollInterval,
        maxPatternWindow,
        tickInterval,
        staleAfter,
        absenceRetention,
        kafkaBootstrap,
        alertsTopic,
        pgUrl,
        pgUser,
        pgPassword,
        channels,
        notifyTimeout,
        notifyMaxAttempts,
        notifyBackoff,
        notifyCapacity,
        tolerance);
  }

  /** This config with the settings the {@code with} methods change replaced. */
  private AlertingConfig copy(
      Duration poll,
      Duration tick,
      Duration backoff,
      String topic,
      Map<String, ChannelConfig> newChannels) {
    return new AlertingConfig(
        poll,
        maxPatternWindow,
        tick,
        staleAfter,
        absenceRetention,
        kafkaBootstrap,
        topic,
        pgUrl,
        pgUser,
        pgPassword,
        newChannels,
        notifyTimeout,
        notifyMaxAttempts,
        backoff,
        notifyCapacity,
        lateTolerance);
  }

  public NotifyOptions notifyOptions() {
    return new NotifyOptions(
        notifyTimeout, notifyMaxAttempts, notifyBackoff, 2, pgUrl, pgUser, pgPassword);
  }

  @Override
  public String toString() {
    return "AlertingConfig[poll="
        + controlPollInterval
        + ", tick="
        + tickInterval
        + ", topic="
        + alertsTopic
        + ", channels="
        + channels.keySet()
        + ", pg="
        + pgUrl
        + "]";
  }
}
