package io.vigil.common.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.Severity;
import io.vigil.common.rules.AlertRule;
import io.vigil.common.rules.ComparisonOperator;
import io.vigil.common.rules.Condition;
import io.vigil.common.rules.ConditionKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {
  static final Map<String, String> LABELS = Map.of("tenant", "acme", "source", "web-1");
  static final String FP = Fingerprint.of("r1", LABELS);

  final List<Silence> silences = new ArrayList<>();
  final Map<String, Long> acks = new HashMap<>();
  final AlertLifecycle.Environment env =
      new AlertLifecycle.Environment() {
        @Override
        public boolean silenced(Map<String, String> labels, long now) {
          return silences.stream().anyMatch(s -> s.matches(labels, now));
        }

        @Override
        public long acknowledgedAt(String fingerprint) {
          return acks.getOrDefault(fingerprint, 0L);
        }

        @Override
        public long staleAfterMs() {
          return 1_000_000;
        }
      };

  AlertState state;
  final List<AlertTransition> out = new ArrayList<>();

  static AlertRule rule(long forMs, long repeat, long cooldown, int maxPerHour, long escalation) {
    return rule(forMs, repeat, cooldown, maxPerHour, escalation, "", "", List.of(), 0);
  }

  static AlertRule rule(
      long forMs,
      long repeat,
      long cooldown,
      int maxPerHour,
      long escalation,
      String description,
      String runbook,
      List<String> groupBy,
      long groupWaitMs) {
    Condition c =
        new Condition(
            ConditionKind.THRESHOLD, ComparisonOperator.GT, 90, null, 1, 0, null, null, null);
    return new AlertRule(
        "r1",
        "cpu high",
        "acme",
        true,
        1,
        null,
        c,
        Severity.HIGH,
        List.of("ops"),
        forMs,
        repeat,
        cooldown,
        maxPerHour,
        100,
        escalation,
        description,
        runbook,
        groupBy,
        groupWaitMs,
        0);
  }

  void signal(AlertRule r, SignalType type, long ts, long now) {
    var res =
        AlertLifecycle.onSignal(
            state, r, new Signal(FP, "r1", 1, type, ts, 95, LABELS, "", ""), now, env);
    state = res.state();
    out.addAll(res.transitions());
  }

  void tick(AlertRule r, long now) {
    tick(r, now, Long.MIN_VALUE);
  }

  void tick(AlertRule r, long now, long watermark) {
    var res = AlertLifecycle.onTick(state, r, now, watermark, env);
    state = res.state();
    out.addAll(res.transitions());
  }

  List<String> seen() {
    return out.stream().map(t -> t.transition() + (t.notifies() ? "!" : "")).toList();
  }

  @Test
  void pendingThenFiringThenResolvedOnceTheWatermarkPassesClearPlusAutoResolve() {
    AlertRule r = rule(50, 0, 0, 0, 0);
    signal(r, SignalType.HIT, 1_000, 10);
    assertThat(state.status()).isEqualTo(AlertStatus.PENDING);
    signal(r, SignalType.FIRE, 1_050, 20);
    assertThat(state.status()).isEqualTo(AlertStatus.FIRING);
    signal(r, SignalType.CLEAR, 1_060, 30);
    tick(r, 5_000, 1_159); // clear held 99 ms of event time: auto-resolve is 100
    assertThat(state.status()).isEqualTo(AlertStatus.FIRING);
    signal(r, SignalType.HIT, 1_070, 60); // breach again: the clear clock restarts
    signal(r, SignalType.CLEAR, 1_080, 70);
    tick(r, 5_000, 1_179);
    assertThat(state.status()).isEqualTo(AlertStatus.FIRING);
    tick(r, 5_000, 1_180);
    assertThat(state.status()).isEqualTo(AlertStatus.RESOLVED);
    tick(r, 5_001, 1_180); // no cooldown: gone at the next tick
    assertThat(state).isNull();
    assertThat(seen()).containsExactly("pending", "firing!", "resolved!");
    AlertTransition firing = out.get(1);
    assertThat(firing.startsAt()).isEqualTo(1_000);
    assertThat(firing.labels())
        .containsEntry("alertname", "cpu high")
        .containsEntry("severity", "high");
    assertThat(out.get(2).alertId()).isEqualTo(firing.alertId());
    assertThat(out.get(2).endsAt()).isEqualTo(1_180);
    assertThat(out.get(2).idempotencyKey()).isNotEqualTo(firing.idempotencyKey());
  }

  @Test
  void aBreachAfterTheAutoResolveTimeStartsANewEpisodeWhateverTheWallClock() {
    AlertRule r = rule(50, 0, 0, 0, 0);
    signal(r, SignalType.HIT, 1_000, 10);
    signal(r, SignalType.FIRE, 1_050, 11);
    signal(r, SignalType.CLEAR, 1_060, 12);
    // A replay delivers the next breach before any tick: event time alone decides.
    signal(r, SignalType.HIT, 1_160, 13);
    signal(r, SignalType.FIRE, 1_210, 14);
    assertThat(seen()).containsExactly("pending", "firing!", "resolved!", "pending", "firing!");
    assertThat(out.get(4).startsAt()).isEqualTo(1_160);
    assertThat(out.get(4).alertId()).isNotEqualTo(out.get(1).alertId());
  }

  @Test
  void pendingThatClearsNeverNotifies() {
    AlertRule r = rule(50, 0, 0, 0, 0);
    signal(r, SignalType.HIT, 1_000, 10);
    signal(r, SignalType.CLEAR, 1_010, 20);
    assertThat(state).isNull();
    assertThat(seen()).containsExactly("pending", "inactive");
    assertThat(out.get(1).endsAt())
        .as("the clear's event time, not the wall clock")
        .isEqualTo(1_010);
  }

  @Test
  void idempotencyKeysAreDeterministicAcrossReplays() {
    AlertRule r = rule(0, 0, 0, 0, 0);
    signal(r, SignalType.FIRE, 5_000, 10);
    String first = out.get(0).idempotencyKey();
    state = null;
    out.clear();
    signal(r, SignalType.FIRE, 5_000, 99_999); // same event, different wall clock
    assertThat(out.get(0).idempotencyKey()).isEqualTo(first);
    assertThat(out.get(0).alertId()).isEqualTo(Fingerprint.alertId(FP, 5_000).toString());
  }

  @Test
  void acknowledgementStopsRepeatsAndEscalation() {
    AlertRule r = rule(0, 100, 0, 0, 150);
    signal(r, SignalType.FIRE, 1_000, 0);
    tick(r, 100);
    acks.put(FP, 120L);
    tick(r, 130);
    tick(r, 400);
    tick(r, 800);
    assertThat(seen()).containsExactly("firing!", "repeat-1!", "acknowledged!");
    assertThat(state.status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
  }

  @Test
  void escalatesOnceWhenUnacknowledged() {
    AlertRule r = rule(0, 0, 0, 0, 150);
    signal(r, SignalType.FIRE, 1_000, 0);
    tick(r, 100);
    tick(r, 150);
    tick(r, 300);
    assertThat(seen()).containsExactly("firing!", "escalated!");
  }

  @Test
  void silenceSuppressesAndItsEndNotifies() {
    AlertRule r = rule(0, 0, 0, 0, 0);
    silences.add(new Silence("s1", Map.of("source", "web-*"), 0, 100));
    signal(r, SignalType.FIRE, 1_000, 10);
    assertThat(state.status()).isEqualTo(AlertStatus.SUPPRESSED);
    tick(r, 50);
    tick(r, 100);
    assertThat(state.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(seen()).containsExactly("suppressed", "firing!");
  }

  @Test
  void cooldownSuppressesARefireAfterResolve() {
    AlertRule r = rule(0, 0, 500, 0, 0);
    signal(r, SignalType.FIRE, 1_000, 0);
    signal(r, SignalType.CLEAR, 1_010, 10);
    tick(r, 110, 1_110);
    assertThat(state.status()).isEqualTo(AlertStatus.RESOLVED);
    signal(r, SignalType.FIRE, 2_000, 200);
    assertThat(state.status()).isEqualTo(AlertStatus.SUPPRESSED);
    tick(r, 610); // cooldown over
    assertThat(seen()).containsExactly("firing!", "resolved!", "suppressed", "firing!");
  }

  @Test
  void maxPerHourCapsNotifications() {
    AlertRule r = rule(0, 10, 0, 2, 0);
    signal(r, SignalType.FIRE, 1_000, 0);
    for (long now = 10; now <= 50; now += 10) {
      tick(r, now);
      signal(r, SignalType.HIT, 1_000 + now, now);
    }
    assertThat(out.stream().filter(AlertTransition::notifies)).hasSize(2);
    assertThat(seen()).startsWith("firing!", "repeat-1!", "repeat-2");
  }

  @Test
  void removedRuleResolvesItsAlerts() {
    signal(rule(0, 0, 0, 0, 0), SignalType.FIRE, 1_000, 0);
    tick(null, 10);
    tick(null, 11);
    assertThat(state).isNull();
    assertThat(seen()).containsExactly("firing!", "resolved!");
    assertThat(out.get(1).annotations())
        .containsEntry("resolve_reason", "rule removed or disabled");
  }

  @Test
  void signalsOfUnknownRulesAreIgnored() {
    signal(null, SignalType.FIRE, 1_000, 0);
    assertThat(state).isNull();
    assertThat(out).isEmpty();
  }

  @Test
  void theFiringNotificationSaysWhyAndARepeatSaysTheLatestWhy() {
    AlertRule r = rule(0, 100, 0, 0, 0);
    var first =
        AlertLifecycle.onSignal(null, r, fire(1_000, "stuck: value 7 repeated 9 times"), 0, env);
    state = first.state();
    out.addAll(first.transitions());
    var second =
        AlertLifecycle.onSignal(state, r, fire(1_010, "level: value 3 vs expected 7"), 5, env);
    state = second.state();
    out.addAll(second.transitions());
    var point =
        AlertLifecycle.onSignal(
            state, r, new Signal(FP, "r1", 1, SignalType.HIT, 1_020, 95, LABELS, "", ""), 6, env);
    state = point.state();
    out.addAll(point.transitions());
    tick(r, 100);
    assertThat(seen()).containsExactly("firing!", "repeat-1!");
    assertThat(out.get(0).annotations())
        .containsEntry("description", "stuck: value 7 repeated 9 times")
        .containsEntry("anomaly_id", "anomaly-1000");
    assertThat(out.get(1).annotations())
        .as("the latest explanation and its anomaly; a point (no detail) does not erase them")
        .containsEntry("description", "level: value 3 vs expected 7")
        .containsEntry("anomaly_id", "anomaly-1010");
  }

  @Test
  void aSignalWithoutDetailAddsNoDescription() {
    AlertRule r = rule(0, 0, 0, 0, 0);
    signal(r, SignalType.FIRE, 1_000, 0);
    assertThat(out.get(0).annotations())
        .containsKey("summary")
        .doesNotContainKeys("description", "anomaly_id");
  }

  @Test
  void everyNotificationOfARuleWithARunbookLinksIt() {
    AlertRule r =
        rule(
            0,
            0,
            0,
            0,
            0,
            "CPU of a web node above 90%",
            "https://runbooks.example.com/cpu",
            List.of(),
            0);
    signal(r, SignalType.FIRE, 1_000, 0);
    signal(r, SignalType.CLEAR, 1_010, 1);
    tick(r, 5_000, 1_200);
    assertThat(seen()).containsExactly("firing!", "resolved!");
    for (AlertTransition t : out) {
      assertThat(t.annotations())
          .containsEntry("runbook_url", "https://runbooks.example.com/cpu")
          .containsEntry("rule_description", "CPU of a web node above 90%");
    }
  }

  @Test
  void aGroupingRuleGroupsTheStartAndTheEndOfAnAlertButNotItsRepeats() {
    AlertRule r = rule(0, 100, 0, 0, 0, "", "", List.of("source"), 30_000);
    signal(r, SignalType.FIRE, 1_000, 0);
    tick(r, 100);
    signal(r, SignalType.CLEAR, 1_010, 101);
    tick(r, 5_000, 1_200);
    assertThat(seen()).containsExactly("firing!", "repeat-1!", "resolved!");
    String group = NotificationGroup.key(r, LABELS);
    assertThat(out).extracting(AlertTransition::group).containsExactly(group, "", group);
    assertThat(out.get(0).groupWaitMs()).isEqualTo(30_000);
    assertThat(out.get(0).groupIntervalMs()).isEqualTo(AlertRule.DEFAULT_GROUP_INTERVAL_MS);
    assertThat(NotificationGroup.labels(group))
        .containsExactly(Map.entry("source", "web-1"), Map.entry("tenant", "acme"));
  }

  /** An anomaly's match: its explanation and, when it has one, an id made from its time. */
  static Signal fire(long ts, String why) {
    String anomalyId = why.isEmpty() ? "" : "anomaly-" + ts;
    return new Signal(FP, "r1", 1, SignalType.FIRE, ts, 0.9, LABELS, why, anomalyId);
  }
}
