package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.Signal;
import io.vigil.common.alerts.SignalType;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Forwards only what the threshold evaluators need from a rule's per-point events, keyed by {@link
 * RuleEvent#groupKey}: every breaching point, and of the points that do not breach only the first
 * after a breach (the clear). The lifecycle also gets a CLEAR signal for one repeated clear every
 * {@code heartbeatMs} of event time, so an open alert waiting for its auto-resolve keeps hearing
 * from its series (it would otherwise resolve as "no data"). A rule like "cpu above 90 for 5
 * minutes" over every host made every cpu point an event for the CEP operator and the alert
 * lifecycle, each buffering it in keyed state until the watermark; most of those points repeat the
 * clear before them and change nothing in either.
 *
 * <p>Main output: the events of rules with a for-duration, for the CEP "held for" operator. Side
 * output {@link #SINGLE_HIT}: the breaching events of rules without one (that pattern ignores the
 * others). Side output {@link #SIGNALS}: the HIT/CLEAR signals for the lifecycle, for every
 * forwarded event and the heartbeats.
 *
 * <p>Out-of-order points keep the evaluators exact. What must hold is that, sorted by event time,
 * the forwarded events are the whole sequence with runs of repeated clears shortened to their first
 * event. A clear is dropped only when it comes in order and the event before it in time is a clear;
 * its time is remembered (above the watermark, at most {@link #MAX_DROPPED}; beyond that clears are
 * forwarded). A breaching point that arrives later than a dropped clear it precedes in time makes
 * the first such clear be forwarded after all. Forwarding an event that could have been dropped is
 * always safe; points behind the watermark are forwarded as they are (the CEP operators count them
 * as late).
 */
public class ThresholdChangeFunction extends KeyedProcessFunction<String, RuleEvent, RuleEvent> {
  /** Events of single-hit rules (breaching points only). */
  public static final OutputTag<RuleEvent> SINGLE_HIT =
      new OutputTag<>("threshold-single-hit", TypeInformation.of(RuleEvent.class)) {};

  /** HIT/CLEAR signals for the alert lifecycle. */
  public static final OutputTag<Signal> SIGNALS =
      new OutputTag<>("threshold-signals", TypeInformation.of(Signal.class)) {};

  /** At most this many dropped clears are remembered per key; further clears are forwarded. */
  static final int MAX_DROPPED = 32;

  private final long heartbeatMs;
  private final long retentionMs;
  private transient ValueState<Changes> state;
  private transient Counter forwarded;
  private transient Counter dropped;

  /**
   * @param heartbeatMs event time after which a repeated clear is signalled to the lifecycle
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

    /** Dropped clears above the watermark, ascending by time. */
    public long[] droppedTs = new long[0];

    public double[] droppedValues = new double[0];

    public Changes() {}
  }

  @Override
  public void open(OpenContext ctx) {
    state =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor(
                    "threshold-changes", TypeInformation.of(Changes.class), retentionMs));
    forwarded = getRuntimeContext().getMetricGroup().counter("thresholdEventsForwarded");
    dropped = getRuntimeContext().getMetricGroup().counter("thresholdEventsDropped");
  }

  @Override
  public void processElement(RuleEvent e, Context ctx, Collector<RuleEvent> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    Changes c = state.value();
    if (c == null) {
      c = new Changes();
    }
    if (e.timestamp() <= watermark) {
      emit(e, ctx, out); // late: the evaluators count it
      return;
    }
    prune(c, watermark);
    boolean inOrder = e.timestamp() >= c.lastTs;
    if (e.hit()) {
      emit(e, ctx, out);
      if (!inOrder) {
        int i = firstDroppedAfter(c, e.timestamp());
        if (i >= 0) {
          emit(e.withPoint(c.droppedTs[i], c.droppedValues[i], false), ctx, out);
          remove(c, i);
        }
      }
    } else if (inOrder
        && c.lastTs != Long.MIN_VALUE
        && !c.lastHit
        && c.droppedTs.length < MAX_DROPPED) {
      append(c, e.timestamp(), e.value());
      dropped.inc();
      if (c.lastSignalled == Long.MIN_VALUE || e.timestamp() - c.lastSignalled >= heartbeatMs) {
        signal(e, ctx); // the lifecycle hears from the series; the pattern needs nothing
        c.lastSignalled = e.timestamp();
      }
    } else {
      emit(e, ctx, out);
      c.lastSignalled = Math.max(c.lastSignalled, e.timestamp());
    }
    if (inOrder) {
      c.lastTs = e.timestamp();
      c.lastHit = e.hit();
    }
    state.update(c);
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
            e.labels()));
  }

  private static void prune(Changes c, long watermark) {
    int n = 0;
    while (n < c.droppedTs.length && c.droppedTs[n] <= watermark) {
      n++;
    }
    if (n > 0) {
      c.droppedTs = Arrays.copyOfRange(c.droppedTs, n, c.droppedTs.length);
      c.droppedValues = Arrays.copyOfRange(c.droppedValues, n, c.droppedValues.length);
    }
  }

  private static int firstDroppedAfter(Changes c, long ts) {
    for (int i = 0; i < c.droppedTs.length; i++) {
      if (c.droppedTs[i] > ts) {
        return i;
      }
    }
    return -1;
  }

  private static void append(Changes c, long ts, double value) {
    int n = c.droppedTs.length;
    c.droppedTs = Arrays.copyOf(c.droppedTs, n + 1);
    c.droppedValues = Arrays.copyOf(c.droppedValues, n + 1);
    c.droppedTs[n] = ts;
    c.droppedValues[n] = value;
  }

  private static void remove(Changes c, int i) {
    long[] ts = new long[c.droppedTs.length - 1];
    double[] v = new double[ts.length];
    System.arraycopy(c.droppedTs, 0, ts, 0, i);
    System.arraycopy(c.droppedTs, i + 1, ts, i, ts.length - i);
    System.arraycopy(c.droppedValues, 0, v, 0, i);
    System.arraycopy(c.droppedValues, i + 1, v, i, v.length - i);
    c.droppedTs = ts;
    c.droppedValues = v;
  }
}
