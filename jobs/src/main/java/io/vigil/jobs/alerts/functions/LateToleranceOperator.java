package io.vigil.jobs.alerts.functions;

import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.ExpiringState;
import io.vigil.jobs.core.VigilMetrics;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs right before a CEP operator (chained, keyed by {@link RuleEvent#groupKey}) and lets a rule
 * event that arrives behind the watermark still be evaluated when it is in order for its key: it is
 * newer than every event of the key sent on before, and at most {@code toleranceMs} behind the
 * watermark. Such an event is sent on stamped one millisecond past the watermark, so CEP takes it
 * instead of dropping it as late; the patterns' conditions read the event's own timestamp, and
 * since every earlier event of the key is already behind the watermark, CEP still sees the key's
 * events in their order. Other late events are sent on as they are: CEP gives them to its late side
 * output, where they are counted and dead-lettered.
 *
 * <p>Why events arrive behind the watermark at all, with every source in order: when the whole
 * input was idle and resumes, CEP takes the new watermark from the first of its input channels to
 * become active again, and an upstream subtask that has nothing to send for the burst forwards it
 * first. The events still in flight on the other channels then arrive behind it (Flink's idleness
 * gives up the watermark's promise there). AlertingITCase lost 13 breaches of a single-hit rule
 * that way in one run, and a member of a notification group in others. The same holds for a burst
 * that an agent flushes after an outage.
 */
public final class LateToleranceOperator extends AbstractStreamOperator<RuleEvent>
    implements OneInputStreamOperator<RuleEvent, RuleEvent> {
  private static final long serialVersionUID = 1L;

  private final long toleranceMs;
  private final long retentionMs;
  private transient ValueState<Long> last;
  private transient long watermark;
  private transient Counter accepted;

  /**
   * @param toleranceMs how far behind the watermark an event in its key's order is still evaluated
   *     (0: never)
   * @param retentionMs processing time after its last event at which a key's last time is forgotten
   */
  public LateToleranceOperator(long toleranceMs, long retentionMs) {
    if (toleranceMs < 0) {
      throw new IllegalArgumentException("toleranceMs must not be negative: " + toleranceMs);
    }
    this.toleranceMs = toleranceMs;
    this.retentionMs = retentionMs;
  }

  @Override
  public void open() throws Exception {
    super.open();
    last =
        getPartitionedState(
            ExpiringState.descriptor("late-tolerance-last", Types.LONG, retentionMs));
    watermark = Long.MIN_VALUE;
    accepted = VigilMetrics.of(getMetricGroup()).counter("lateRuleEventsAccepted");
  }

  @Override
  public void processElement(StreamRecord<RuleEvent> record) throws Exception {
    long t = record.getValue().timestamp();
    Long before = last.value();
    boolean inOrder = before == null || t > before;
    if (inOrder) {
      last.update(t);
    }
    if (t > watermark || !inOrder || !tolerated(t)) {
      output.collect(record); // in time, or late for CEP to side-output
      return;
    }
    accepted.inc();
    output.collect(record.replace(record.getValue(), watermark + 1));
  }

  private boolean tolerated(long t) {
    return watermark != Long.MAX_VALUE && watermark - t < toleranceMs;
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    super.processWatermark(mark);
  }
}
