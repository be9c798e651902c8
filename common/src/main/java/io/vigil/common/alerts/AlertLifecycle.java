package io.vigil.common.alerts;

import io.vigil.common.rules.AlertRule;
import io.vigil.common.rules.ConditionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The alert state machine, pure and deterministic: pending -&gt; firing -&gt; resolved, with
 * acknowledged and suppressed. Signals move it; periodic ticks apply wall-clock rules
 * (auto-resolve, acknowledgement, silences, re-notification, escalation). {@code now} is processing
 * time.
 */
public final class AlertLifecycle {

  /** What the lifecycle needs to know about the world at a moment. */
  public interface Environment {
    /** True when a silence or maintenance window covers these labels now. */
    boolean silenced(Map<String, String> labels, long now);

    /** Wall-clock time of the latest acknowledgement of this fingerprint, or 0. */
    long acknowledgedAt(String fingerprint);

    /** Time after the last signal at which an open alert is considered stale and resolved. */
    long staleAfterMs();
  }

  /** The next state (null: clear it) and the transitions to publish. */
  public record Result(AlertState state, List<AlertTransition> transitions) {
    Result prepend(List<AlertTransition> earlier) {
      if (earlier == transitions) {
        return this;
      }
      List<AlertTransition> all = new ArrayList<>(earlier);
      all.addAll(transitions);
      return new Result(state, all);
    }
  }

  private AlertLifecycle() {}

  /** Applies one evaluator signal. A null {@code rule} (removed or disabled) ignores it. */
  public static Result onSignal(
      AlertState s, AlertRule rule, Signal sig, long now, Environment env) {
    List<AlertTransition> out = new ArrayList<>();
    if (rule == null || !rule.enabled()) {
      return new Result(s, out);
    }
    boolean open = s != null && s.status() != AlertStatus.RESOLVED;
    return switch (sig.type()) {
      case HIT -> {
        if (open && s.status() != AlertStatus.PENDING && clearedFor(s, rule, sig.timestamp())) {
          AlertState r =
              resolve(s, rule, now, s.clearedAt() + rule.autoResolveMs(), "condition cleared", out)
                  .state();
          yield onSignal(r, rule, sig, now, env).prepend(out);
        }
        if (open) {
          long cleared = sig.timestamp() >= s.clearedAt() ? 0 : s.clearedAt();
          yield new Result(s.touched(sig.value(), now, cleared), out);
        }
        if (rule.forMs() == 0) {
          yield new Result(s, out); // a FIRE from the single-hit pattern follows
        }
        AlertState p =
            AlertState.start(labelled(sig, rule), AlertStatus.PENDING, now, rule.channels());
        out.add(transition(p, rule, "pending", false, now));
        yield new Result(p, out);
      }
      case FIRE -> onFire(s, open, rule, sig, now, env, out);
      case CLEAR -> {
        if (!open) {
          yield new Result(s, out);
        }
        if (s.status() == AlertStatus.PENDING) {
          AlertState r = s.resolved(now);
          // ends at the clear's event time, so a replay writes the same row
          out.add(transition(r, rule, "inactive", false, now, sig.timestamp()));
          yield new Result(null, out);
        }
        long cleared =
            s.clearedAt() == 0 ? sig.timestamp() : Math.min(s.clearedAt(), sig.timestamp());
        yield new Result(s.touched(s.value(), now, cleared), out);
      }
    };
  }

  private static Result onFire(
      AlertState s,
      boolean open,
      AlertRule rule,
      Signal sig,
      long now,
      Environment env,
      List<AlertTransition> out) {
    // Anomaly, sequence and flapping matches are moments: auto-resolve counts from the last one.
    boolean momentary =
        rule.condition().kind() != ConditionKind.THRESHOLD
            && rule.condition().kind() != ConditionKind.ABSENCE;
    if (open && s.status() != AlertStatus.PENDING && clearedFor(s, rule, sig.timestamp())) {
      AlertState r =
          resolve(s, rule, now, s.clearedAt() + rule.autoResolveMs(), "condition cleared", out)
              .state();
      return onFire(r, false, rule, sig, now, env, out);
    }
    long cleared = momentary ? sig.timestamp() : 0;
    if (open && s.status() != AlertStatus.PENDING) {
      if (!momentary && sig.timestamp() < s.clearedAt()) {
        cleared = s.clearedAt(); // an older match does not undo a newer clear
      }
      return new Result(
          s.touched(sig.value(), now, Math.max(cleared, momentary ? s.clearedAt() : 0))
              .described(sig),
          out);
    }
    long suppressUntil = 0;
    if (s != null
        && s.status() == AlertStatus.RESOLVED
        && now - s.resolvedAt() < rule.cooldownMs()) {
      suppressUntil = s.resolvedAt() + rule.cooldownMs();
    }
    AlertState base =
        open ? s : AlertState.start(labelled(sig, rule), AlertStatus.FIRING, now, rule.channels());
    base = base.touched(sig.value(), now, cleared).described(sig);
    boolean suppressed = suppressUntil > now || env.silenced(base.labels(), now);
    AlertState f =
        base.fired(suppressed ? AlertStatus.SUPPRESSED : AlertStatus.FIRING, now, suppressUntil)
            .cleared(cleared);
    if (suppressed) {
      out.add(transition(f, rule, "suppressed", false, now));
      return new Result(f, out);
    }
    return notifyIfAllowed(f, rule, "firing", now, out, 0, false);
  }

  /**
   * Event-time auto-resolve alone: resolves an open alert whose condition has been clear for the
   * rule's auto-resolve time as of event time {@code t}. Driven by an event-time timer at {@link
   * #autoResolveAt}, so the resolve happens when the watermark passes that instant, also at the end
   * of a bounded input, whatever the wall clock does.
   */
  public static Result onEventTime(AlertState s, AlertRule rule, long now, long t) {
    List<AlertTransition> out = new ArrayList<>();
    if (s == null
        || rule == null
        || !rule.enabled()
        || s.status() == AlertStatus.RESOLVED
        || s.status() == AlertStatus.PENDING
        || !clearedFor(s, rule, t)) {
      return new Result(s, out);
    }
    return resolve(s, rule, now, s.clearedAt() + rule.autoResolveMs(), "condition cleared", out);
  }

  /**
   * The event time at which {@code s} auto-resolves if nothing else happens, or {@code
   * Long.MIN_VALUE} when it is not counting down.
   */
  public static long autoResolveAt(AlertState s, AlertRule rule) {
    if (s == null
        || rule == null
        || s.clearedAt() <= 0
        || s.status() == AlertStatus.RESOLVED
        || s.status() == AlertStatus.PENDING) {
      return Long.MIN_VALUE;
    }
    return s.clearedAt() + rule.autoResolveMs();
  }

  /**
   * Applies the wall-clock rules and event-time auto-resolve up to {@code watermark}; call it
   * periodically while a state exists.
   */
  public static Result onTick(
      AlertState s, AlertRule rule, long now, long watermark, Environment env) {
    List<AlertTransition> out = new ArrayList<>();
    if (s == null) {
      return new Result(null, out);
    }
    if (s.status() == AlertStatus.RESOLVED) {
      long keep = rule == null ? 0 : rule.cooldownMs();
      return new Result(now >= s.resolvedAt() + keep ? null : s, out);
    }
    if (rule == null || !rule.enabled()) {
      return resolve(s, rule, now, now, "rule removed or disabled", out);
    }
    if (s.status() == AlertStatus.PENDING) {
      boolean stale = now - s.touchedAt() >= Math.max(rule.forMs(), env.staleAfterMs());
      return stale ? resolvePending(s, rule, now, out) : new Result(s, out);
    }
    if (clearedFor(s, rule, watermark)) {
      return resolve(s, rule, now, s.clearedAt() + rule.autoResolveMs(), "condition cleared", out);
    }
    if (now - s.touchedAt() >= env.staleAfterMs()) {
      return resolve(s, rule, now, now, "no data", out);
    }
    long ack = env.acknowledgedAt(s.fingerprint());
    if (ack > 0 && ack >= s.firedAt() && s.status() != AlertStatus.ACKNOWLEDGED) {
      AlertState a = s.withStatus(AlertStatus.ACKNOWLEDGED);
      boolean wasNotified = s.status() == AlertStatus.FIRING;
      out.add(transition(a, rule, "acknowledged", wasNotified, now));
      return new Result(a, out);
    }
    boolean suppressed = now < s.suppressedUntil() || env.silenced(s.labels(), now);
    if (s.status() == AlertStatus.FIRING && suppressed) {
      AlertState q = s.withStatus(AlertStatus.SUPPRESSED);
      out.add(transition(q, rule, "suppressed", false, now));
      return new Result(q, out);
    }
    if (s.status() == AlertStatus.SUPPRESSED && !suppressed) {
      return notifyIfAllowed(s.withStatus(AlertStatus.FIRING), rule, "firing", now, out, 0, false);
    }
    if (s.status() != AlertStatus.FIRING) {
      return new Result(s, out);
    }
    if (!s.escalated() && rule.escalationMs() > 0 && now - s.firedAt() >= rule.escalationMs()) {
      return notifyIfAllowed(s, rule, "escalated", now, out, s.repeats(), true);
    }
    if (rule.repeatMs() > 0 && now - s.lastNotifiedAt() >= rule.repeatMs()) {
      int n = s.repeats() + 1;
      return notifyIfAllowed(s, rule, "repeat-" + n, now, out, n, s.escalated());
    }
    return new Result(s, out);
  }

  private static Result notifyIfAllowed(
      AlertState s,
      AlertRule rule,
      String what,
      long now,
      List<AlertTransition> out,
      int repeats,
      boolean escalated) {
    boolean allowed = rule.maxPerHour() <= 0 || s.sentThisHour(now) < rule.maxPerHour();
    AlertState n = allowed ? s.notified(now, repeats, escalated) : s;
    if (!allowed) {
      // Keep repeat/escalation bookkeeping moving so the limit is not retried on every tick.
      n =
          new AlertState(
              s.fingerprint(),
              s.ruleId(),
              s.status(),
              s.startsAt(),
              s.value(),
              s.labels(),
              s.touchedAt(),
              s.clearedAt(),
              s.firedAt(),
              now,
              repeats,
              escalated,
              s.suppressedUntil(),
              s.resolvedAt(),
              s.hourStart(),
              s.sentInHour(),
              s.channels(),
              s.detail(),
              s.anomalyId());
    }
    out.add(transition(n, rule, what, allowed, now));
    return new Result(n, out);
  }

  /**
   * True when the condition has been clear for the auto-resolve time as of event time {@code t}.
   */
  private static boolean clearedFor(AlertState s, AlertRule rule, long t) {
    return s.clearedAt() > 0 && t - s.clearedAt() >= rule.autoResolveMs();
  }

  private static Result resolve(
      AlertState s, AlertRule rule, long now, long endsAt, String why, List<AlertTransition> out) {
    boolean wasNotified =
        s.status() == AlertStatus.FIRING || s.status() == AlertStatus.ACKNOWLEDGED;
    AlertState r = s.resolved(now);
    AlertTransition t = transition(r, rule, "resolved", wasNotified, now, endsAt);
    Map<String, String> ann = new TreeMap<>(t.annotations());
    ann.put("resolve_reason", why);
    out.add(t.with(ann, t.notifies()));
    // The resolved state stays for the cooldown, and (without one) until the next tick, so a
    // signal arriving meanwhile starts a fresh episode rather than reopening this one.
    return new Result(r, out);
  }

  private static Result resolvePending(
      AlertState s, AlertRule rule, long now, List<AlertTransition> out) {
    AlertState r = s.resolved(now);
    out.add(transition(r, rule, "inactive", false, now));
    return new Result(null, out);
  }

  static AlertTransition transition(
      AlertState s, AlertRule rule, String what, boolean notify, long now) {
    return transition(s, rule, what, notify, now, now);
  }

  static AlertTransition transition(
      AlertState s, AlertRule rule, String what, boolean notify, long now, long endsAt) {
    // Without the rule (deleted or disabled), the name and severity it had at the start remain.
    String name = rule == null ? s.labels().getOrDefault("alertname", s.ruleId()) : rule.name();
    String severity =
        rule == null ? s.labels().getOrDefault("severity", "medium") : rule.severity().dbName();
    Map<String, String> labels = new TreeMap<>(s.labels());
    labels.put("alertname", name);
    labels.put("severity", severity);
    Map<String, String> ann = new TreeMap<>();
    ann.put("summary", summary(s, rule, name));
    // Only the start and the end of an alert are grouped; repeats, escalations and acknowledgements
    // concern one alert and go alone.
    boolean grouped =
        rule != null && rule.grouped() && ("firing".equals(what) || "resolved".equals(what));
    if (!s.detail().isEmpty()) {
      ann.put("description", s.detail());
    }
    if (!s.anomalyId().isEmpty()) {
      ann.put("anomaly_id", s.anomalyId());
    }
    if (rule != null && !rule.runbookUrl().isEmpty()) {
      ann.put("runbook_url", rule.runbookUrl());
    }
    if (rule != null && !rule.description().isEmpty()) {
      ann.put("rule_description", rule.description());
    }
    return new AlertTransition(
        Fingerprint.alertId(s.fingerprint(), s.startsAt()).toString(),
        s.fingerprint(),
        s.ruleId(),
        name,
        severity,
        s.status(),
        what,
        notify,
        Fingerprint.idempotencyKey(s.fingerprint(), what, s.startsAt()),
        s.startsAt(),
        s.status() == AlertStatus.RESOLVED ? endsAt : 0,
        now,
        s.value(),
        labels,
        ann,
        rule == null ? s.channels() : rule.channels(),
        grouped ? NotificationGroup.key(rule, labels) : "",
        grouped ? rule.groupWaitMs() : 0,
        grouped ? rule.groupIntervalMs() : 0);
  }

  private static String summary(AlertState s, AlertRule rule, String name) {
    if (rule == null) {
      return name;
    }
    var c = rule.condition();
    return switch (c.kind()) {
      case THRESHOLD, FLAPPING ->
          String.format(
              "%s: %s %s %s (value %s)%s",
              name,
              s.labels().getOrDefault("metric", "value"),
              c.op().name().toLowerCase(),
              c.threshold(),
              s.value(),
              c.kind() == ConditionKind.FLAPPING ? " is flapping" : "");
      case ANOMALY -> name + ": anomaly (score " + s.value() + ")";
      case ABSENCE -> name + ": no data for " + c.windowMs() / 1000 + "s";
      case SEQUENCE -> name + ": anomaly sequence within " + c.windowMs() / 1000 + "s";
    };
  }

  /** The signal's labels plus the rule's alertname and severity, kept in the alert state. */
  private static Signal labelled(Signal sig, AlertRule rule) {
    Map<String, String> labels = new TreeMap<>(sig.labels());
    labels.put("alertname", rule.name());
    labels.put("severity", rule.severity().dbName());
    return new Signal(
        sig.fingerprint(),
        sig.ruleId(),
        sig.ruleVersion(),
        sig.type(),
        sig.timestamp(),
        sig.value(),
        labels,
        sig.detail(),
        sig.anomalyId());
  }
}
