package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.InhibitRule;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
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
 * When the last source muting an alert resolves while the alert still fires, its latest transition
 * is sent on again as it came, so people hear of it then; a muted alert's resolve is not notified
 * when its firing never was.
 *
 * <p>An outage fires its source and its targets at the same event time, and their transitions come
 * from different lifecycle subtasks in an order that depends on timing. So transitions with an
 * event time are held until the watermark passes it, and each event time's transitions are handled
 * sources first. Those without one (wall-clock ticks: repeats, acknowledgements, staleness) are
 * handled at once, unless an earlier transition of the same alert is still held: they then wait
 * behind it, so an alert's transitions keep their order. A source that fires later than its targets
 * does not recall what was sent (as in Alertmanager once a group has been notified); their later
 * repeats are muted.
 */
public class InhibitionFunction
    extends KeyedBroadcastProcessFunction<
        String, AlertTransition, ControlSnapshot, AlertTransition> {
  static final MapStateDescriptor<String, AlertTransition> FIRING =
      new MapStateDescriptor<>(
          "inhibit-firing", Types.STRING, TypeInformation.of(AlertTransition.class));
  static final MapStateDescriptor<String, String> MUTED =
      new MapStateDescriptor<>("inhibit-muted", Types.STRING, Types.STRING);
  static final MapStateDescriptor<Long, List<AlertTransition>> HELD =
      new MapStateDescriptor<>(
          "inhibit-held", Types.LONG, Types.LIST(TypeInformation.of(AlertTransition.class)));
  static final MapStateDescriptor<String, Long> HELD_AT =
      new MapStateDescriptor<>("inhibit-held-at", Types.STRING, Types.LONG);

  /** The annotation naming the alert (fingerprint) that mutes a transition. */
  public static final String INHIBITED_BY = "inhibited_by";

  private final ControlBootstrap bootstrap;
  private transient MapState<String, AlertTransition> firing;
  private transient MapState<String, String> muted;
  private transient MapState<Long, List<AlertTransition>> held;
  private transient MapState<String, Long> heldAt;
  private transient ControlPlaneState control;
  private transient Counter inhibited;
  private transient Counter released;

  /** {@code bootstrap} reads the rules for transitions that arrive before the first snapshot. */
  public InhibitionFunction(ControlBootstrap bootstrap) {
    this.bootstrap = bootstrap;
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
    heldAt = getRuntimeContext().getMapState(HELD_AT);
    control = new ControlPlaneState(bootstrap);
    inhibited = getRuntimeContext().getMetricGroup().counter("inhibitedNotifications");
    released = getRuntimeContext().getMetricGroup().counter("inhibitionsEnded");
  }

  @Override
  public void processElement(AlertTransition t, ReadOnlyContext ctx, Collector<AlertTransition> out)
      throws Exception {
    Long ts = ctx.timestamp();
    Long behind = heldAt.get(t.fingerprint());
    long at = Math.max(ts == null ? Long.MIN_VALUE : ts, behind == null ? Long.MIN_VALUE : behind);
    if (at > ctx.currentWatermark()) {
      List<AlertTransition> batch = held.get(at);
      batch = batch == null ? new ArrayList<>() : new ArrayList<>(batch);
      batch.add(t);
      held.put(at, batch);
      heldAt.put(t.fingerprint(), at);
      ctx.timerService().registerEventTimeTimer(at);
      return;
    }
    apply(t, rules(ctx), out);
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<AlertTransition> out)
      throws Exception {
    List<AlertTransition> batch = held.get(ts);
    if (batch == null) {
      return;
    }
    held.remove(ts);
    List<InhibitRule> rules = rules(ctx);
    List<AlertTransition> ordered = new ArrayList<>(batch);
    // sources first; a stable sort keeps each alert's transitions in their order
    ordered.sort(Comparator.comparing(a -> isSource(a, rules) ? 0 : 1));
    for (AlertTransition t : ordered) {
      Long at = heldAt.get(t.fingerprint());
      if (at != null && at == ts) {
        heldAt.remove(t.fingerprint());
      }
      apply(t, rules, out);
    }
  }

  private List<InhibitRule> rules(ReadOnlyContext ctx) throws Exception {
    return control.inhibitRules(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR));
  }

  private static boolean isSource(AlertTransition t, List<InhibitRule> rules) {
    if (!t.status().active()) {
      return false;
    }
    Map<String, String> labels = InhibitRule.labels(t);
    for (InhibitRule r : rules) {
      if (r.isSource(labels)) {
        return true;
      }
    }
    return false;
  }

  private void apply(AlertTransition t, List<InhibitRule> rules, Collector<AlertTransition> out)
      throws Exception {
    String fp = t.fingerprint();
    if (t.status() == AlertStatus.RESOLVED) {
      firing.remove(fp);
      String by = muted.get(fp);
      muted.remove(fp);
      out.collect(by == null ? t : mute(t, by));
      releaseMuted(rules, out);
      return;
    }
    if (!t.status().active()) {
      out.collect(t); // pending: neither a source nor anything notified
      return;
    }
    firing.put(fp, t);
    String by = inhibitor(fp, InhibitRule.labels(t), rules);
    if (by == null) {
      muted.remove(fp);
      out.collect(t);
      return;
    }
    muted.put(fp, by);
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
   * After a resolve: every muted alert that no firing alert mutes any more is sent on with its
   * latest transition as it came (it notifies if that transition did).
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
      out.collect(last);
    }
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
