package io.vigil.common.alerts;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lifecycle state of one alert (one fingerprint), kept in keyed state. Event times come from
 * the signals; {@code *At} fields named for wall-clock moments are processing time. 0 means unset.
 *
 * @param startsAt event time the episode started (first hit or fire)
 * @param touchedAt processing time of the last signal
 * @param clearedAt processing time the condition was last seen clear while active (0 = holding)
 * @param firedAt processing time the alert started firing (escalation and ack reference)
 * @param suppressedUntil processing time until which the cooldown suppresses notification
 * @param resolvedAt processing time of the resolve; the state lives on for the cooldown
 * @param channels where the alert was notified, so a resolve reaches them even when the rule has
 *     been deleted meanwhile
 */
public record AlertState(
    String fingerprint,
    String ruleId,
    AlertStatus status,
    long startsAt,
    double value,
    Map<String, String> labels,
    long touchedAt,
    long clearedAt,
    long firedAt,
    long lastNotifiedAt,
    int repeats,
    boolean escalated,
    long suppressedUntil,
    long resolvedAt,
    long hourStart,
    int sentInHour,
    List<String> channels) {

  public AlertState {
    labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
    channels = channels == null ? List.of() : List.copyOf(channels);
  }

  static AlertState start(Signal sig, AlertStatus status, long now, List<String> channels) {
    return new AlertState(
        sig.fingerprint(),
        sig.ruleId(),
        status,
        sig.timestamp(),
        sig.value(),
        sig.labels(),
        now,
        0,
        0,
        0,
        0,
        false,
        0,
        0,
        0,
        0,
        channels);
  }

  AlertState withStatus(AlertStatus s) {
    return new AlertState(
        fingerprint,
        ruleId,
        s,
        startsAt,
        value,
        labels,
        touchedAt,
        clearedAt,
        firedAt,
        lastNotifiedAt,
        repeats,
        escalated,
        suppressedUntil,
        resolvedAt,
        hourStart,
        sentInHour,
        channels);
  }

  AlertState touched(double v, long now, long cleared) {
    return new AlertState(
        fingerprint,
        ruleId,
        status,
        startsAt,
        v,
        labels,
        now,
        cleared,
        firedAt,
        lastNotifiedAt,
        repeats,
        escalated,
        suppressedUntil,
        resolvedAt,
        hourStart,
        sentInHour,
        channels);
  }

  AlertState cleared(long at) {
    return new AlertState(
        fingerprint,
        ruleId,
        status,
        startsAt,
        value,
        labels,
        touchedAt,
        at,
        firedAt,
        lastNotifiedAt,
        repeats,
        escalated,
        suppressedUntil,
        resolvedAt,
        hourStart,
        sentInHour,
        channels);
  }

  AlertState fired(AlertStatus s, long now, long suppressUntil) {
    return new AlertState(
        fingerprint,
        ruleId,
        s,
        startsAt,
        value,
        labels,
        now,
        0,
        now,
        lastNotifiedAt,
        0,
        false,
        suppressUntil,
        0,
        hourStart,
        sentInHour,
        channels);
  }

  AlertState notified(long now, int repeatCount, boolean esc) {
    boolean newHour = now - hourStart >= 3_600_000L;
    return new AlertState(
        fingerprint,
        ruleId,
        status,
        startsAt,
        value,
        labels,
        touchedAt,
        clearedAt,
        firedAt,
        now,
        repeatCount,
        esc,
        suppressedUntil,
        resolvedAt,
        newHour ? now : hourStart,
        newHour ? 1 : sentInHour + 1,
        channels);
  }

  AlertState resolved(long now) {
    return new AlertState(
        fingerprint,
        ruleId,
        AlertStatus.RESOLVED,
        startsAt,
        value,
        labels,
        touchedAt,
        clearedAt,
        firedAt,
        lastNotifiedAt,
        repeats,
        escalated,
        suppressedUntil,
        now,
        hourStart,
        sentInHour,
        channels);
  }

  /** Notifications sent in the current hour window as of {@code now}. */
  int sentThisHour(long now) {
    return now - hourStart >= 3_600_000L ? 0 : sentInHour;
  }
}
