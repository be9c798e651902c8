package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.Signal;
import io.vigil.common.alerts.SignalType;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.ExpiringState;
import io.vigil.jobs.core.VigilMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Forwards only what the threshold evaluators need from a rule's per-point events, keyed by {@link
 * RuleEvent#groupKey}. A rule like "cpu above 90 for 5 minutes" over every host made every cpu
 * point an event for the CEP operator and the alert lifecycle, each buffering it in keyed state
 * until the watermark; nearly all of them change nothing in either: the clears that repeat a clear,
 * and, while a breach lasts, the breaches between the start of a match and its end.
 *
 * <p>For a rule with a for-duration the function runs the {@code ThresholdForPattern} match itself
 * and forwards the points the pattern needs: the breach that starts a run, the first breach at
 * least the for-duration after the start of the current match (the match's end; the pattern
 * re-fires every for-duration while the breach lasts, which keeps the alert fresh), the breach
 * right after a match's end (the next match's start), and the clear that ends a run. Single-hit
 * rules (no for-duration) get every breach: each one fires.
 *
 * <p>Main output: the events of rules with a for-duration, for the CEP "held for" operator. Side
 * output {@link #SINGLE_HIT}: the breaching events of rules without one. Side output {@link
 * #SIGNALS}: the HIT/CLEAR signals for the lifecycle, for every forwarded event, and for a point
 * that is not forwarded once every {@code heartbeatMs} of event time, so an open alert keeps
 * hearing from its series (it would otherwise resolve as "no data") and its value stays recent.
 *
 * <p>Out-of-order points keep the evaluators exact. The function keeps the points above the
 * watermark (at most {@link #MAX_KEPT}) sorted by time, and the pattern's state at the watermark
 * (in a run or not, the start of the current match); after each point it runs the match over the
 * kept points and forwards every point the pattern needs that was not sent yet. The pattern's
 * matches over any superset of the points it needs are those over the whole sequence (a point
 * forwarded before a late one changed the runs is harmless: a breach inside a match is never its
 * end, a repeated clear changes nothing), so the fires are those of every point. Points behind the
 * watermark are forwarded as they are: the late tolerance before CEP evaluates those in their
 * series' order, and CEP counts the others as late.
 */
public class ThresholdChangeFunction extends KeyedProcessFunction<String, RuleEvent, RuleEvent> {
  /** Events of single-hit rules (breaching points only). */
  public static final OutputTag<RuleEvent> SINGLE_HIT =
      new OutputTag<>("threshold-single-hit", TypeInformation.of(RuleEvent.class)) {};

  /** HIT/CLEAR signals for the alert lifecycle. */
  public static final OutputTag<Signal> SIGNALS =
      new OutputTag<>("threshold-signals", TypeInformation.of(Signal.class)) {};

  /**
   * At most this many points above the watermark are kept per key; beyond that the oldest are taken
   * as final (a later point arriving before them is then judged against what was decided).
   */
  static final int MAX_KEPT = 64;

  /** A match start that is not known (a state from before the pattern was tracked). */
  static final long UNKNOWN = Long.MAX_VALUE;

  /** No match started: not in a run, or right after a match's end. */
  static final long NONE = Long.MIN_VALUE;

  private final long heartbeatMs;
  private final long retentionMs;
  private transient ValueState<Changes> state;
  private transient Counter forwarded;
  private transient Counter dropped;

  /**
   * @param heartbeatMs event time after which a point that is not forwarded is signalled to the
   *     lifecycle
   * @param retentionMs processing time after its last change at which a key's state is forgotten
   *     (its next event is then forwarded as a first one)
   */
  public ThresholdChangeFunction(long heartbeatMs, long retentionMs) {
    if (heartbeatMs <= 0) {
      throw new IllegalArgumentException("heartbeatMs must be positive: " + heartbeatMs);
    }
    this.heartbeatMs = heartbeatMs;
    this.retentionMs = retentionMs;
  }

  /** What the function keeps per key: a POJO, so the state can evolve. */
  public static class Changes {
    /** Time of the latest event seen (the largest timestamp). */
    public long lastTs = Long.MIN_VALUE;

    /** Whether the event at {@code lastTs} breached. */
    public boolean lastHit;

    /** Time of the latest signal sent to the lifecycle. */
    public long lastSignalled = Long.MIN_VALUE;

    /** The pattern's state at the watermark: the last point behind it breached. */
    public boolean inRun;

    /**
     * The pattern's state at the watermark: start of the current match, {@link #NONE}, or {@link
     * #UNKNOWN}.
     */
    public long matchStart = NONE;

    /**
     * Whether {@link #inRun} and {@link #matchStart} are tracked (false in a state from before).
     */
    public boolean tracked;

    /** The points above the watermark. */
    public KeptPoints points = new KeptPoints();

    public Changes() {}
  }

  @Override
  public void open(OpenContext ctx) {
    state =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor(
                    "threshold-changes", TypeInformation.of(Changes.class), retentionMs));
    forwarded = VigilMetrics.of(getRuntimeContext()).counter("thresholdEventsForwarded");
    dropped = VigilMetrics.of(getRuntimeContext()).counter("thresholdEventsDropped");
  }

  @Override
  public void processElement(RuleEvent e, Context ctx, Collector<RuleEvent> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    if (e.timestamp() <= watermark) {
      emit(e, ctx, out); // late: the evaluators count it
      return;
    }
    Changes c = state.value();
    if (c == null) {
      c = new Changes();
      c.tracked = true;
    } else if (!c.tracked) {
      // A state written before matches were tracked: its last point is the pattern's state; the
      // start of a match is not known, so every breach is forwarded until the run ends.
      c.inRun = c.lastTs != Long.MIN_VALUE && c.lastHit;
      c.matchStart = c.inRun ? UNKNOWN : NONE;
      c.tracked = true;
    }
    c.lastTs = Math.max(c.lastTs, e.timestamp());
    advance(c, watermark, e.windowMs());
    KeptPoints k = c.points;
    int at = k.insert(e);
    boolean single = e.route() != Route.THRESHOLD_FOR;
    boolean inRun = c.inRun;
    long matchStart = c.matchStart;
    for (int i = 0; i < k.count(); i++) {
      boolean needed;
      if (!k.hits[i]) {
        needed = inRun;
        inRun = false;
        matchStart = NONE;
      } else if (single) {
        needed = true;
        inRun = true;
      } else if (!inRun || matchStart == NONE) {
        needed = true; // the start of a run, or the start of the match after one
        inRun = true;
        matchStart = k.ts[i];
      } else if (matchStart == UNKNOWN) {
        needed = true;
      } else if (k.ts[i] - matchStart >= e.windowMs()) {
        needed = true; // the end of the match
        matchStart = NONE;
      } else {
        needed = false;
      }
      if (needed && !k.sent[i]) {
        emit(i == at ? e : k.event(e, i), ctx, out);
        k.sent[i] = true;
        c.lastSignalled = Math.max(c.lastSignalled, k.ts[i]);
      }
    }
    if (!k.sent[at]) {
      dropped.inc();
      if (c.lastSignalled == Long.MIN_VALUE || e.timestamp() - c.lastSignalled >= heartbeatMs) {
        signal(e, ctx); // the lifecycle hears from the series; the pattern needs nothing
        c.lastSignalled = e.timestamp();
      }
    }
    c.lastHit = k.hits[k.count() - 1];
    state.update(c);
  }

  /**
   * Moves the pattern's state past the points at or behind the watermark (they cannot change any
   * more), and past the oldest beyond {@link #MAX_KEPT} - 1, and forgets them.
   */
  private static void advance(Changes c, long watermark, long windowMs) {
    KeptPoints k = c.points;
    int n = 0;
    while (n < k.count() && (k.ts[n] <= watermark || k.count() - n >= MAX_KEPT)) {
      if (!k.hits[n]) {
        c.inRun = false;
        c.matchStart = NONE;
      } else if (!c.inRun || c.matchStart == NONE) {
        c.inRun = true;
        c.matchStart = k.ts[n];
      } else if (c.matchStart != UNKNOWN && k.ts[n] - c.matchStart >= windowMs) {
        c.matchStart = NONE;
      }
      n++;
    }
    k.dropFirst(n);
  }

  private void emit(RuleEvent e, Context ctx, Collector<RuleEvent> out) {
    if (e.route() == Route.THRESHOLD_FOR) {
      out.collect(e);
    } else if (e.hit()) {
      ctx.output(SINGLE_HIT, e);
    }
    signal(e, ctx);
    forwarded.inc();
  }

  private static void signal(RuleEvent e, Context ctx) {
    ctx.output(
        SIGNALS,
        new Signal(
            e.fingerprint(),
            e.ruleId(),
            e.ruleVersion(),
            e.hit() ? SignalType.HIT : SignalType.CLEAR,
            e.timestamp(),
            e.value(),
            e.labels(),
            "",
            ""));
  }
}
