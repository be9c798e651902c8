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
 * @param detail the latest explanation of what fired it (the anomaly's "why"; empty for points)
 * @param anomalyId the id of the anomaly that explanation comes from; empty for points
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
    List<String> channels,
    String detail,
    String anomalyId) {

  public AlertState {
    labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
    channels = channels == null ? List.of() : List.copyOf(channels);
    detail = detail == null ? "" : detail;
    anomalyId = anomalyId == null ? "" : anomalyId;
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
        channels,
        sig.detail(),
        sig.anomalyId());
  }

  AlertState withStatus(AlertStatus s) {
    Change c = change();
    c.status = s;
    return c.done();
  }

  AlertState touched(double v, long now, long cleared) {
    Change c = change();
    c.value = v;
    c.touchedAt = now;
    c.clearedAt = cleared;
    return c.done();
  }

  /**
   * This state with the signal's detail and anomaly when it has them (the latest explanation wins,
   * and the alert then points at the anomaly it comes from).
   */
  AlertState described(Signal sig) {
    String d = sig.detail();
    String a = sig.anomalyId();
    boolean newDetail = !d.isEmpty() && !d.equals(detail);
    boolean newAnomaly = !a.isEmpty() && !a.equals(anomalyId);
    if (!newDetail && !newAnomaly) {
      return this;
    }
    Change c = change();
    c.detail = newDetail ? d : detail;
    c.anomalyId = newAnomaly ? a : anomalyId;
    return c.done();
  }

  AlertState cleared(long at) {
    Change c = change();
    c.clearedAt = at;
    return c.done();
  }

  AlertState fired(AlertStatus s, long now, long suppressUntil) {
    Change c = change();
    c.status = s;
    c.touchedAt = now;
    c.clearedAt = 0;
    c.firedAt = now;
    c.repeats = 0;
    c.escalated = false;
    c.suppressedUntil = suppressUntil;
    c.resolvedAt = 0;
    return c.done();
  }

  AlertState notified(long now, int repeatCount, boolean esc) {
    boolean newHour = now - hourStart >= 3_600_000L;
    Change c = change();
    c.lastNotifiedAt = now;
    c.repeats = repeatCount;
    c.escalated = esc;
    c.hourStart = newHour ? now : hourStart;
    c.sentInHour = newHour ? 1 : sentInHour + 1;
    return c.done();
  }

  AlertState resolved(long now) {
    Change c = change();
    c.status = AlertStatus.RESOLVED;
    c.resolvedAt = now;
    return c.done();
  }

  private Change change() {
    return new Change(this);
  }

  /** A copy of a state whose fields the transitions above change one by one. */
  private static final class Change {
    private String fingerprint;
    private String ruleId;
    private AlertStatus status;
    private long startsAt;
    private double value;
    private Map<String, String> labels;
    private long touchedAt;
    private long clearedAt;
    private long firedAt;
    private long lastNotifiedAt;
    private int repeats;
    private boolean escalated;
    private long suppressedUntil;
    private long resolvedAt;
    private long hourStart;
    private int sentInHour;
    private List<String> channels;
    private String detail;
    private String anomalyId;

    Change(AlertState s) {
      fingerprint = s.fingerprint;
      ruleId = s.ruleId;
      status = s.status;
      startsAt = s.startsAt;
      value = s.value;
      labels = s.labels;
      touchedAt = s.touchedAt;
      clearedAt = s.clearedAt;
      firedAt = s.firedAt;
      lastNotifiedAt = s.lastNotifiedAt;
      repeats = s.repeats;
      escalated = s.escalated;
      suppressedUntil = s.suppressedUntil;
      resolvedAt = s.resolvedAt;
      hourStart = s.hourStart;
      sentInHour = s.sentInHour;
      channels = s.channels;
      detail = s.detail;
      anomalyId = s.anomalyId;
    }

    AlertState done() {
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
          lastNotifiedAt,
          repeats,
          escalated,
          suppressedUntil,
          resolvedAt,
          hourStart,
          sentInHour,
          channels,
          detail,
          anomalyId);
    }
  }

  /** Notifications sent in the current hour window as of {@code now}. */
  int sentThisHour(long now) {
    return now - hourStart >= 3_600_000L ? 0 : sentInHour;
  }
}
