package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.Signal;
import io.vigil.common.alerts.SignalType;
import io.vigil.common.rules.RuleEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Deadman: reports a series or source that sent nothing for the rule's window. Absence is a
 * processing-time fact: when a source stops, the watermark that would drive an event-time timer or
 * a CEP timeout stops with it, so neither could fire. Every window of continued silence re-sends
 * FIRE (keeping the alert alive); data coming back sends CLEAR. A key silent for {@code
 * retentionMs} is forgotten (state and timers cleared).
 */
public class AbsenceFunction extends KeyedProcessFunction<String, RuleEvent, Signal> {
  static final ValueStateDescriptor<AbsenceState> STATE =
      new ValueStateDescriptor<>("absence", TypeInformation.of(AbsenceState.class));

  private final long retentionMs;
  private transient ValueState<AbsenceState> state;

  public AbsenceFunction(long retentionMs) {
    this.retentionMs = retentionMs;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(STATE);
  }

  @Override
  public void processElement(RuleEvent e, Context ctx, Collector<Signal> out) throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    AbsenceState s = state.value();
    if (s != null) {
      ctx.timerService().deleteProcessingTimeTimer(s.deadline());
      if (s.absent()) {
        out.collect(signal(e, SignalType.CLEAR, e.timestamp()));
      }
    }
    long deadline = now + e.windowMs();
    ctx.timerService().registerProcessingTimeTimer(deadline);
    state.update(new AbsenceState(e, now, deadline, false));
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<Signal> out) throws Exception {
    AbsenceState s = state.value();
    if (s == null || ts != s.deadline()) {
      return;
    }
    if (ts - s.seenAt() >= retentionMs) {
      state.clear();
      return;
    }
    RuleEvent last = s.last();
    out.collect(signal(last, SignalType.FIRE, last.timestamp() + (ts - s.seenAt())));
    long next = ts + last.windowMs();
    ctx.timerService().registerProcessingTimeTimer(next);
    state.update(new AbsenceState(last, s.seenAt(), next, true));
  }

  private static Signal signal(RuleEvent e, SignalType type, long ts) {
    return new Signal(
        e.fingerprint(), e.ruleId(), e.ruleVersion(), type, ts, 0, e.labels(), "", "");
  }
}
