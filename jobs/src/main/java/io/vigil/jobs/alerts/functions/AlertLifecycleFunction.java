package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertLifecycle;
import io.vigil.common.alerts.AlertState;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.ControlPlane;
import io.vigil.common.alerts.Signal;
import io.vigil.common.rules.AlertRule;
import io.vigil.common.rules.ConditionKind;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.core.VigilMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs {@link AlertLifecycle} per fingerprint. Signals are buffered until the watermark passes them
 * and applied in event-time order: raw HIT/CLEAR signals (from the router, immediately) and FIRE
 * signals (from CEP, at the watermark) reach this operator in an order that depends on timing, and
 * a replay after recovery must split alerts into the same episodes as the first run. Deadman
 * signals are processing-time facts and apply at once. Auto-resolve is an event-time timer at the
 * instant the condition has been clear long enough, so it happens when the watermark passes it
 * (also at the end of a bounded input); a processing-time tick applies acknowledgements, silences,
 * re-notification, escalation and staleness (counted in processing time while the job runs, not
 * across a stop), and re-checks auto-resolve up to the watermark. Both states are cleared when the
 * alert is gone, so nothing outlives its alert.
 */
public class AlertLifecycleFunction
    extends KeyedBroadcastProcessFunction<String, Signal, ControlSnapshot, AlertTransition> {
  static final ValueStateDescriptor<AlertState> STATE =
      new ValueStateDescriptor<>("alert", TypeInformation.of(AlertState.class));
  static final MapStateDescriptor<Long, List<Signal>> BUFFER =
      new MapStateDescriptor<>(
          "signal-buffer", Types.LONG, Types.LIST(TypeInformation.of(Signal.class)));

  private final long tickMs;
  private final long staleAfterMs;
  private final ControlBootstrap bootstrap;
  private transient ValueState<AlertState> state;
  private transient MapState<Long, List<Signal>> buffer;
  private transient ControlPlaneState control;
  private transient Counter staleSignals;

  /**
   * Processing time when this task first saw an element or timer: an open alert goes stale ("no
   * data") after {@code staleAfterMs} without a signal while the job runs, so the time the job was
   * stopped (a savepoint restored hours later, an upgrade) does not count.
   */
  private transient long runningSince;

  public AlertLifecycleFunction(long tickMs, long staleAfterMs, ControlBootstrap bootstrap) {
    this.tickMs = tickMs;
    this.staleAfterMs = staleAfterMs;
    this.bootstrap = bootstrap;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(STATE);
    buffer = getRuntimeContext().getMapState(BUFFER);
    control = new ControlPlaneState(bootstrap);
    staleSignals = VigilMetrics.of(getRuntimeContext()).counter("staleRuleVersionSignals");
    runningSince = Long.MIN_VALUE;
  }

  @Override
  public void processElement(Signal sig, ReadOnlyContext ctx, Collector<AlertTransition> out)
      throws Exception {
    ControlPlane cp = control.get(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR));
    AlertRule rule = cp.rule(sig.ruleId());
    boolean deadman = rule != null && rule.condition().kind() == ConditionKind.ABSENCE;
    TimerService timers = ctx.timerService();
    runningSince(timers);
    if (deadman || sig.timestamp() <= timers.currentWatermark()) {
      apply(sig, cp, timers, out);
      return;
    }
    List<Signal> waiting = buffer.get(sig.timestamp());
    waiting = waiting == null ? new ArrayList<>(1) : new ArrayList<>(waiting);
    waiting.add(sig);
    buffer.put(sig.timestamp(), waiting);
    timers.registerEventTimeTimer(sig.timestamp());
  }

  private void apply(
      Signal sig, ControlPlane cp, TimerService timers, Collector<AlertTransition> out)
      throws Exception {
    AlertRule rule = cp.rule(sig.ruleId());
    if (rule != null && rule.version() != sig.ruleVersion()) {
      staleSignals.inc(); // an in-flight match of an older version of the rule
      return;
    }
    long now = timers.currentProcessingTime();
    emit(AlertLifecycle.onSignal(state.value(), rule, sig, now, cp.environment(staleAfterMs)), out);
    scheduleTick(now, timers);
    scheduleAutoResolve(rule, timers);
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<AlertTransition> out)
      throws Exception {
    ControlPlane cp = control.get(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR));
    if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
      List<Signal> due = buffer.get(ts);
      buffer.remove(ts);
      if (due != null) {
        due.sort(Comparator.comparing(Signal::type)); // same instant: HIT, FIRE, CLEAR
        for (Signal s : due) {
          apply(s, cp, ctx.timerService(), out);
        }
      }
      AlertState s = state.value();
      if (s != null) {
        AlertRule rule = cp.rule(s.ruleId());
        long now = ctx.timerService().currentProcessingTime();
        emit(AlertLifecycle.onEventTime(s, rule, now, ts), out);
        scheduleTick(now, ctx.timerService());
      }
      return;
    }
    AlertState s = state.value();
    if (s == null) {
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    long watermark = ctx.timerService().currentWatermark();
    AlertLifecycle.Environment env = cp.environment(staleAfterMs);
    long beforeThisRun = runningSince(ctx.timerService()) - s.touchedAt();
    if (beforeThisRun > 0) {
      env = staleLater(env, beforeThisRun);
    }
    emit(AlertLifecycle.onTick(s, cp.rule(s.ruleId()), now, watermark, env), out);
    scheduleTick(now, ctx.timerService());
  }

  private void emit(AlertLifecycle.Result r, Collector<AlertTransition> out) throws Exception {
    if (r.state() == null) {
      state.clear();
    } else {
      state.update(r.state());
    }
    r.transitions().forEach(out::collect);
  }

  /**
   * An event-time timer where the alert auto-resolves, so the watermark alone resolves it. Also
   * when that instant is already behind the watermark: a timer registered while the watermark
   * advances (buffered signals applied from {@link #onTimer}) still fires in that same advance,
   * after the signals buffered before it.
   */
  private void scheduleAutoResolve(AlertRule rule, TimerService timers) throws Exception {
    long at = AlertLifecycle.autoResolveAt(state.value(), rule);
    if (at != Long.MIN_VALUE) {
      timers.registerEventTimeTimer(at);
    }
  }

  private long runningSince(TimerService timers) {
    if (runningSince == Long.MIN_VALUE) {
      runningSince = timers.currentProcessingTime();
    }
    return runningSince;
  }

  /** The environment with the stale time extended by the time before this run started. */
  private static AlertLifecycle.Environment staleLater(AlertLifecycle.Environment env, long by) {
    return new AlertLifecycle.Environment() {
      @Override
      public boolean silenced(java.util.Map<String, String> labels, long now) {
        return env.silenced(labels, now);
      }

      @Override
      public long acknowledgedAt(String fingerprint) {
        return env.acknowledgedAt(fingerprint);
      }

      @Override
      public long staleAfterMs() {
        return env.staleAfterMs() + by;
      }
    };
  }

  private void scheduleTick(long now, TimerService timers) throws Exception {
    if (state.value() != null) {
      // Aligned to tick boundaries, so repeated registrations collapse into one timer.
      timers.registerProcessingTimeTimer((now / tickMs + 1) * tickMs);
    }
  }

  @Override
  public void processBroadcastElement(
      ControlSnapshot s, Context ctx, Collector<AlertTransition> out) throws Exception {
    ControlPlaneState.store(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR), s);
  }
}
