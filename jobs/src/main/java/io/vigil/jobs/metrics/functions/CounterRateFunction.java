package io.vigil.jobs.metrics.functions;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
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
 * Turns the readings of a running total (a counter: {@link MetricPoint#cumulative()}) into its
 * per-second rate, keyed by series, so that the detector and the alert rules see how fast it grows
 * rather than a total that only climbs. The first reading of a series is its baseline (nothing to
 * compare with yet: counted in {@code counterBaselines}, not emitted); a reading below the previous
 * one is a reset (the process restarted and counts from zero), whose rate is its value over the
 * time since the previous reading, as Prometheus' {@code rate()} takes it. A reading not after the
 * previous one (a repeat or out of order) has no rate: it goes to the dead letters with the reason.
 * The state (time and value of the last reading, 16 bytes) expires {@code retentionMs} after its
 * last write, as the series' detector state does.
 */
public final class CounterRateFunction
    extends KeyedProcessFunction<String, MetricPoint, MetricPoint> {
  private static final long serialVersionUID = 1L;

  /** Time and value of a counter's last reading. */
  public record Reading(long timestamp, double value) {}

  private final OutputTag<DeadLetter> deadLetters;
  private final long retentionMs;
  private transient ValueState<Reading> last;
  private transient Counter baselines;
  private transient Counter resets;

  public CounterRateFunction(OutputTag<DeadLetter> deadLetters, long retentionMs) {
    this.deadLetters = deadLetters;
    this.retentionMs = retentionMs;
  }

  @Override
  public void open(OpenContext openContext) {
    last =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor(
                    "counter", TypeInformation.of(Reading.class), retentionMs));
    var group = VigilMetrics.of(getRuntimeContext());
    baselines = group.counter("counterBaselines");
    resets = group.counter("counterResets");
  }

  @Override
  public void processElement(MetricPoint p, Context ctx, Collector<MetricPoint> out)
      throws Exception {
    Reading before = last.value();
    if (before == null) {
      baselines.inc();
      last.update(new Reading(p.timestamp(), p.value()));
      return;
    }
    if (p.timestamp() <= before.timestamp()) {
      ctx.output(
          deadLetters,
          new DeadLetter(
              "counter",
              "counter reading at "
                  + p.timestamp()
                  + " is not after the previous one at "
                  + before.timestamp()
                  + ": a running total has no rate there",
              "",
              -1,
              -1,
              p.timestamp(),
              MetricJsonCodec.encode(p)));
      return;
    }
    double increase = p.value() - before.value();
    if (increase < 0) {
      resets.inc();
      increase = p.value();
    }
    double seconds = (p.timestamp() - before.timestamp()) / 1000.0;
    last.update(new Reading(p.timestamp(), p.value()));
    out.collect(
        new MetricPoint(
            p.tenant(), p.source(), p.metric(), p.tags(), p.timestamp(), increase / seconds));
  }
}
