package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.InhibitRule;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.core.VigilMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Inhibition, Alertmanager's {@code inhibit_rules}: keyed by tenant, after the rate limit. While an
 * alert matching a rule's source side fires, the tenant's alerts matching its target side with the
 * same {@code equal} labels are not notified: their transitions go on to the alerts table and topic
 * with {@code notifies = false} and an {@code inhibited_by} annotation (the source's fingerprint).
 * When the last source muting an alert resolves while the alert still fires, its first muted firing
 * is sent on again as it came, so people hear of it then; a muted alert's resolve is not notified
 * when its firing never was. An alert people were already told of when its source began to fire
 * (the source came after the wait) has its repeats and escalations muted, but not its
 * acknowledgement or its resolve: what was paged must also end for the people paged (a PagerDuty
 * incident or a firing Slack message would otherwise stay open).
 *
 * <p>An outage fires its source and its targets at about the same moment, from different lifecycle
 * subtasks, in an order that depends on timing (event time cannot order them: after an idle input
 * resumes, the watermark can reach this operator ahead of transitions still in flight). So, as
 * Alertmanager's {@code group_wait} does, a firing that a rule could mute waits the rule's {@code
 * wait} (default 10 s) of processing time before it is decided; the alert's later transitions queue
 * behind it, so its transitions keep their order. Everything else is decided at once. A source that
 * fires after that wait does not recall what was sent; the target's later repeats are muted. A
 * bounded run (whose processing-time timers may never fire) decides at once.
 */
public class InhibitionFunction
    extends KeyedBroadcastProcessFunction<
        String, AlertTransition, ControlSnapshot, AlertTransition> {
  static final MapStateDescriptor<String, AlertTransition> FIRING =
      new MapStateDescriptor<>(
          "inhibit-firing", Types.STRING, TypeInformation.of(AlertTransition.class));
  static final MapStateDescriptor<String, String> MUTED =
      new MapStateDescriptor<>("inhibit-muted", Types.STRING, Types.STRING);
  static final MapStateDescriptor<String, List<AlertTransition>> HELD =
      new MapStateDescriptor<>(
          "inhibit-held", Types.STRING, Types.LIST(TypeInformation.of(AlertTransition.class)));
  static final MapStateDescriptor<String, Long> HELD_UNTIL =
      new MapStateDescriptor<>("inhibit-held-until", Types.STRING, Types.LONG);

  /** Open alerts whose firing people were told of (a notifying firing went out unmuted). */
  static final MapStateDescriptor<String, Boolean> TOLD =
      new MapStateDescriptor<>("inhibit-told", Types.STRING, Types.BOOLEAN);

  /** The annotation naming the alert (fingerprint) that mutes a transition. */
  public static final String INHIBITED_BY = "inhibited_by";

  private final ControlBootstrap bootstrap;
  private final boolean bounded;
  private transient MapState<String, AlertTransition> firing;
  private transient MapState<String, String> muted;
  private transient MapState<String, List<AlertTransition>> held;
  private transient MapState<String, Long> heldUntil;
  private transient MapState<String, Boolean> told;
  private transient ControlPlaneState control;
  private transient Counter inhibited;
  private transient Counter released;

  /**
   * @param bootstrap reads the rules for transitions that arrive before the first snapshot
   * @param bounded a bounded run: nothing waits (its processing-time timers may never fire)
   */
  public InhibitionFunction(ControlBootstrap bootstrap, boolean bounded) {
    this.bootstrap = bootstrap;
    this.bounded = bounded;
  }

  /** The key: the tenant (inhibition never crosses tenants). */
  public static String key(AlertTransition t) {
    return t.labels().getOrDefault("tenant", "");
  }

  @Override
  public void open(OpenContext ctx) {
    firing = getRuntimeContext().getMapState(FIRING);
    muted = getRuntimeContext().getMapState(MUTED);
    held = getRuntimeContext().getMapState(HELD);
    heldUntil = getRuntimeContext().getMapState(HELD_UNTIL);
    told = getRuntimeContext().getMapState(TOLD);
    control = new ControlPlaneState(bootstrap);
    inhibited = VigilMetrics.of(getRuntimeContext()).counter("inhibitedNotifications");
    released = VigilMetrics.of(getRuntimeContext()).counter("inhibitionsEnded");
  }

  @Override
  public void processElement(AlertTransition t, ReadOnlyContext ctx, Collector<AlertTransition> out)
      throws Exception {
    String fp = t.fingerprint();
    List<AlertTransition> queue = held.get(fp);
    if (queue != null) {
      queue = new ArrayList<>(queue);
      queue.add(t); // behind the alert's waiting firing
      held.put(fp, queue);
      return;
    }
    List<InhibitRule> rules = rules(ctx);
    long wait = bounded ? 0 : waitFor(t, rules);
    if (wait > 0) {
      long until = ctx.timerService().currentProcessingTime() + wait;
      held.put(fp, new ArrayList<>(List.of(t)));
      heldUntil.put(fp, until);
      ctx.timerService().registerProcessingTimeTimer(until);
      return;
    }
    apply(t, rules, out);
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<AlertTransition> out)
      throws Exception {
    List<String> due = new ArrayList<>();
    for (Map.Entry<String, Long> e : heldUntil.entries()) {
      if (e.getValue() <= ts) {
        due.add(e.getKey());
      }
    }
    if (due.isEmpty()) {
      return;
    }
    List<InhibitRule> rules = rules(ctx);
    for (String fp : due) {
      List<AlertTransition> queue = held.get(fp);
      held.remove(fp);
      heldUntil.remove(fp);
      if (queue != null) {
        for (AlertTransition t : queue) {
          apply(t, rules, out);
        }
      }
    }
  }

  /**
   * How long a transition waits for a source: the longest wait of the rules whose target side
   * matches it, for a firing that notifies (not a repeat, a resolve or an acknowledgement); else 0.
   */
  private static long waitFor(AlertTransition t, List<InhibitRule> rules) {
    if (t.status() != AlertStatus.FIRING || !"firing".equals(t.transition()) || !t.notifies()) {
      return 0;
    }
    Map<String, String> labels = InhibitRule.labels(t);
    long wait = 0;
    for (InhibitRule r : rules) {
      if (r.isTarget(labels)) {
        wait = Math.max(wait, r.waitMs());
      }
    }
    return wait;
  }

  private List<InhibitRule> rules(ReadOnlyContext ctx) throws Exception {
    return control.get(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR)).inhibitRules();
  }

  private void apply(AlertTransition t, List<InhibitRule> rules, Collector<AlertTransition> out)
      throws Exception {
    String fp = t.fingerprint();
    if (t.status() == AlertStatus.RESOLVED) {
      firing.remove(fp);
      String by = muted.get(fp);
      muted.remove(fp);
      boolean wasTold = told.contains(fp);
      told.remove(fp);
      out.collect(by == null || wasTold ? t : mute(t, by));
      releaseMuted(rules, out);
      return;
    }
    if (!t.status().active()) {
      out.collect(t); // pending: neither a source nor anything notified
      return;
    }
    if (!muted.contains(fp) || t.status() != AlertStatus.FIRING) {
      // while muted, the firing people have not heard of is kept (what its release sends),
      // not the repeats that follow it; an acknowledgement or a silence replaces it
      firing.put(fp, t);
    }
    String by = inhibitor(fp, InhibitRule.labels(t), rules);
    if (by == null) {
      muted.remove(fp);
      emit(t, out);
      return;
    }
    muted.put(fp, by);
    if (t.status() == AlertStatus.ACKNOWLEDGED && told.contains(fp)) {
      out.collect(t); // the acknowledgement of what was paged (stops a PagerDuty escalation)
      return;
    }
    if (t.notifies()) {
      inhibited.inc();
    }
    out.collect(mute(t, by));
  }

  /** The fingerprint of a firing alert that mutes this one, or null. */
  private String inhibitor(String fp, Map<String, String> labels, List<InhibitRule> rules)
      throws Exception {
    if (rules.isEmpty()) {
      return null;
    }
    for (Map.Entry<String, AlertTransition> e : firing.entries()) {
      if (e.getKey().equals(fp)) {
        continue;
      }
      Map<String, String> source = InhibitRule.labels(e.getValue());
      for (InhibitRule r : rules) {
        if (r.mutes(source, labels)) {
          return e.getKey();
        }
      }
    }
    return null;
  }

  /**
   * After a resolve: every muted alert that no firing alert mutes any more is sent on with the
   * transition kept for it, as it came: its first muted firing (it notifies if that did), or the
   * acknowledgement or silence that followed. (A rule removed or disabled releases nothing by
   * itself: the muted alert's next transition then goes out.)
   */
  private void releaseMuted(List<InhibitRule> rules, Collector<AlertTransition> out)
      throws Exception {
    List<String> fps = new ArrayList<>();
    muted.keys().forEach(fps::add);
    for (String fp : fps) {
      AlertTransition last = firing.get(fp);
      if (last == null) {
        muted.remove(fp);
        continue;
      }
      String by = inhibitor(fp, InhibitRule.labels(last), rules);
      if (by != null) {
        muted.put(fp, by);
        continue;
      }
      muted.remove(fp);
      released.inc();
      emit(last, out);
    }
  }

  /** Sends an unmuted transition on, remembering that people were told of the alert. */
  private void emit(AlertTransition t, Collector<AlertTransition> out) throws Exception {
    if (t.status() == AlertStatus.FIRING && t.notifies()) {
      told.put(t.fingerprint(), true);
    }
    out.collect(t);
  }

  private static AlertTransition mute(AlertTransition t, String by) {
    Map<String, String> ann = new TreeMap<>(t.annotations());
    ann.put(INHIBITED_BY, by);
    return t.with(ann, false);
  }

  @Override
  public void processBroadcastElement(
      ControlSnapshot s, Context ctx, Collector<AlertTransition> out) throws Exception {
    ControlPlaneState.store(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR), s);
  }
}
