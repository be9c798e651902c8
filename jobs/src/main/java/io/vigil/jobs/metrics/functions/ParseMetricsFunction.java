package io.vigil.jobs.metrics.functions;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.db.JdbcDrivers;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records into metric points. Every element that can't be used becomes a {@link
 * DeadLetter} on a side output, with the reason and the origin, and is counted; nothing throws.
 */
public final class ParseMetricsFunction extends ProcessFunction<RawRecord, MetricPoint> {
  private static final long serialVersionUID = 1L;

  private final MetricJsonCodec codec;
  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter parsed;
  private transient Counter rejected;

  public ParseMetricsFunction(MetricJsonCodec codec, OutputTag<DeadLetter> deadLetters) {
    this.codec = codec;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    // every slot of the job runs a parse subtask: the hook reaches every TaskManager it runs on
    JdbcDrivers.deregisterOnRelease(getRuntimeContext());
    var group = getRuntimeContext().getMetricGroup().addGroup("vigil");
    parsed = group.counter("pointsParsed");
    rejected = group.counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<MetricPoint> out) {
    MetricJsonCodec.Result result = codec.decode(raw.value());
    for (MetricPoint p : result.points()) {
      parsed.inc();
      out.collect(p);
    }
    for (String reason : result.errors()) {
      rejected.inc();
      ctx.output(
          deadLetters,
          new DeadLetter(
              "parse",
              reason,
              raw.topic(),
              raw.partition(),
              raw.offset(),
              raw.kafkaTimestamp(),
              raw.value()));
    }
  }
}
