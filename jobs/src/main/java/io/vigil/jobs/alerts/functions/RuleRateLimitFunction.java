package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.rules.AlertRule;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.core.VigilMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A rule's {@code max_alerts_per_hour}, across all of its alerts: keyed by rule id, it lets at most
 * that many notifying transitions (firing, repeat, escalation) of the rule through in any sliding
 * hour of transition time. A transition over the budget is still published and stored, with {@code
 * notifies = false} and a {@code rate_limited} annotation; its alert is remembered, so its later
 * acknowledgement and resolve are not notified either (receivers never hear of an alert that ends
 * without having started), while a later repeat of it goes out as soon as the budget allows.
 */
public class RuleRateLimitFunction
    extends KeyedBroadcastProcessFunction<
        String, AlertTransition, ControlSnapshot, AlertTransition> {
  static final long HOUR = 3_600_000L;
  static final ListStateDescriptor<Long> SENT = new ListStateDescriptor<>("sent-at", Types.LONG);
  static final MapStateDescriptor<String, Long> WITHHELD =
      new MapStateDescriptor<>("withheld-alerts", Types.STRING, Types.LONG);

  private final ControlBootstrap bootstrap;
  private transient ListState<Long> sent;
  private transient MapState<String, Long> withheld;
  private transient ControlPlaneState control;
  private transient Counter limited;

  /** {@code bootstrap} reads the rules for transitions that arrive before the first snapshot. */
  public RuleRateLimitFunction(ControlBootstrap bootstrap) {
    this.bootstrap = bootstrap;
  }

  @Override
  public void open(OpenContext ctx) {
    sent = getRuntimeContext().getListState(SENT);
    withheld = getRuntimeContext().getMapState(WITHHELD);
    control = new ControlPlaneState(bootstrap);
    limited = VigilMetrics.of(getRuntimeContext()).counter("rateLimitedNotifications");
  }

  @Override
  public void processElement(AlertTransition t, ReadOnlyContext ctx, Collector<AlertTransition> out)
      throws Exception {
    AlertRule rule =
        control.get(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR)).rule(t.ruleId());
    int limit = rule == null ? 0 : rule.maxPerHour();
    boolean held = withheld.contains(t.alertId());
    if (t.status() == AlertStatus.RESOLVED) {
      withheld.remove(t.alertId());
    }
    if (!t.notifies()) {
      out.collect(t);
      return;
    }
    boolean counts = t.status() == AlertStatus.FIRING; // firing, repeat-N, escalated
    if (!counts) {
      // acknowledged or resolved: notified exactly when the alert's firing was
      out.collect(held ? withhold(t, "its firing was rate limited") : t);
      return;
    }
    if (limit <= 0) {
      out.collect(t);
      return;
    }
    List<Long> recent = new ArrayList<>();
    for (Long at : sent.get()) {
      if (at > t.at() - HOUR) {
        recent.add(at);
      }
    }
    if (recent.size() < limit) {
      recent.add(t.at());
      sent.update(recent);
      withheld.remove(t.alertId());
      out.collect(t);
      return;
    }
    sent.update(recent);
    withheld.put(t.alertId(), t.at());
    limited.inc();
    out.collect(withhold(t, "rule '" + t.ruleName() + "' reached " + limit + " per hour"));
  }

  private static AlertTransition withhold(AlertTransition t, String why) {
    Map<String, String> ann = new TreeMap<>(t.annotations());
    ann.put("rate_limited", why);
    return t.with(ann, false);
  }

  @Override
  public void processBroadcastElement(
      ControlSnapshot s, Context ctx, Collector<AlertTransition> out) throws Exception {
    ControlPlaneState.store(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR), s);
  }
}
