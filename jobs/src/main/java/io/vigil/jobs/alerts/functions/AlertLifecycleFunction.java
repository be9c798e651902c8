package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertLifecycle;
import io.vigil.common.alerts.AlertState;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.ControlPlane;
import io.vigil.common.alerts.Signal;
import io.vigil.common.rules.AlertRule;
import io.vigil.jobs.alerts.ControlSnapshot;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs {@link AlertLifecycle} per fingerprint: signals move the state, a processing-time tick
 * applies acknowledgements, silences, re-notification and escalation, and auto-resolve up to the
 * current watermark. The state is cleared when the alert resolves (after the rule's cooldown), so
 * nothing outlives its alert.
 */
public class AlertLifecycleFunction
    extends KeyedBroadcastProcessFunction<String, Signal, ControlSnapshot, AlertTransition> {
  static final ValueStateDescriptor<AlertState> STATE =
      new ValueStateDescriptor<>("alert", TypeInformation.of(AlertState.class));

  private final long tickMs;
  private final long staleAfterMs;
  private transient ValueState<AlertState> state;
  private transient ControlPlaneState control;
  private transient Counter staleSignals;

  public AlertLifecycleFunction(long tickMs, long staleAfterMs) {
    this.tickMs = tickMs;
    this.staleAfterMs = staleAfterMs;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(STATE);
    control = new ControlPlaneState();
    staleSignals = getRuntimeContext().getMetricGroup().counter("staleRuleVersionSignals");
  }

  @Override
  public void processElement(Signal sig, ReadOnlyContext ctx, Collector<AlertTransition> out)
      throws Exception {
    ControlPlane cp = plane(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR));
    AlertRule rule = cp.rule(sig.ruleId());
    if (rule != null && rule.version() != sig.ruleVersion()) {
      staleSignals.inc(); // an in-flight match of an older version of the rule
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    apply(
        AlertLifecycle.onSignal(state.value(), rule, sig, now, cp.environment(staleAfterMs)), out);
    scheduleTick(now, ctx.timerService());
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<AlertTransition> out)
      throws Exception {
    AlertState s = state.value();
    if (s == null) {
      return;
    }
    ControlPlane cp = plane(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR));
    long now = ctx.timerService().currentProcessingTime();
    long watermark = ctx.timerService().currentWatermark();
    apply(
        AlertLifecycle.onTick(s, cp.rule(s.ruleId()), now, watermark, cp.environment(staleAfterMs)),
        out);
    scheduleTick(now, ctx.timerService());
  }

  private void apply(AlertLifecycle.Result r, Collector<AlertTransition> out) throws Exception {
    if (r.state() == null) {
      state.clear();
    } else {
      state.update(r.state());
    }
    r.transitions().forEach(out::collect);
  }

  private void scheduleTick(long now, org.apache.flink.streaming.api.TimerService timers)
      throws Exception {
    if (state.value() != null) {
      // Aligned to tick boundaries, so repeated registrations collapse into one timer.
      timers.registerProcessingTimeTimer((now / tickMs + 1) * tickMs);
    }
  }

  private ControlPlane plane(ReadOnlyBroadcastState<String, String> bs) throws Exception {
    return control.get(bs);
  }

  @Override
  public void processBroadcastElement(
      ControlSnapshot s, Context ctx, Collector<AlertTransition> out) throws Exception {
    ControlPlaneState.store(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR), s);
  }
}
