package io.vigil.jobs.alerts.functions;

import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.ExpiringState;
import io.vigil.jobs.core.VigilMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Forwards only the changes of a flapping rule's hit flag, keyed by {@link RuleEvent#groupKey}: a
 * point is forwarded when it breaches and the point before it in time did not, or the other way
 * round; the first point of a series is not a change. A flapping rule over every host made every
 * point of its scope an event for the CEP operator, which starts a partial run at every event and
 * re-reads the whole run for each of them (181 s for 200,000 points on RocksDB, eleven times the
 * threshold rule's cost); the flapping pattern only needs the changes ({@code FlappingPattern}).
 *
 * <p>Out-of-order points lose no change. The function keeps the points above the watermark (at most
 * {@link #MAX_HISTORY}) and the newest one behind it, sorted by time. A point is forwarded when its
 * flag differs from the point before it in time among those; a point that arrives late between two
 * others also makes the one after it be forwarded if that one is now a change and was not sent. So
 * every change is forwarded at its own time. A point that was a change when it arrived and stopped
 * being one when an earlier point came in late (the change began earlier) stays forwarded: it
 * repeats the flag of the event before it, which the pattern does not count, except where it starts
 * a run, so such a change can also be counted at that later time. Points behind the watermark are
 * forwarded as they are (the CEP operator counts them as late).
 */
public class FlappingChangeFunction extends KeyedProcessFunction<String, RuleEvent, RuleEvent> {

  /** At most this many recent points are kept per key; older ones are forgotten first. */
  static final int MAX_HISTORY = 64;

  private final long retentionMs;
  private transient ValueState<KeptPoints> state;
  private transient Counter forwarded;
  private transient Counter dropped;

  /**
   * @param retentionMs processing time after its last point at which a key's state is forgotten
   *     (its next point is then a first one, not a change)
   */
  public FlappingChangeFunction(long retentionMs) {
    this.retentionMs = retentionMs;
  }

  @Override
  public void open(OpenContext ctx) {
    state =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor(
                    "flapping-changes", TypeInformation.of(KeptPoints.class), retentionMs));
    forwarded = VigilMetrics.of(getRuntimeContext()).counter("flappingEventsForwarded");
    dropped = VigilMetrics.of(getRuntimeContext()).counter("flappingEventsDropped");
  }

  @Override
  public void processElement(RuleEvent e, Context ctx, Collector<RuleEvent> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    if (e.timestamp() <= watermark) {
      out.collect(e); // late: the CEP operator counts it
      forwarded.inc();
      return;
    }
    KeptPoints r = state.value();
    if (r == null) {
      r = new KeptPoints();
    }
    forget(r, watermark);
    int at = r.insert(e);
    boolean change = at > 0 && r.hits[at - 1] != e.hit();
    if (change) {
      out.collect(e);
      r.sent[at] = true;
      forwarded.inc();
    } else {
      dropped.inc();
    }
    int next = at + 1;
    if (next < r.ts.length && r.hits[next] != e.hit() && !r.sent[next]) {
      // a point that arrived before this one and was not a change then is one now
      out.collect(r.event(e, next));
      r.sent[next] = true;
      forwarded.inc();
    }
    state.update(r);
  }

  /**
   * Forgets the points at or behind the watermark but the newest of them (what the next point is
   * compared with), and the oldest beyond {@link #MAX_HISTORY} - 1.
   */
  private static void forget(KeptPoints r, long watermark) {
    int behind = 0;
    while (behind < r.count() && r.ts[behind] <= watermark) {
      behind++;
    }
    r.dropFirst(Math.max(Math.max(0, behind - 1), r.count() - (MAX_HISTORY - 1)));
  }
}
