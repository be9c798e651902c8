package io.vigil.jobs.logs.functions;

import io.vigil.common.codec.LogCodec;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.db.JdbcDrivers;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records into log events (JSON lines, OTLP JSON or raw text). Every part that
 * can't be used becomes a {@link DeadLetter} with the reason and the origin, and is counted.
 */
public final class ParseLogsFunction extends ProcessFunction<RawRecord, LogEvent> {
  private static final long serialVersionUID = 1L;

  private final LogCodec codec;
  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter parsed;
  private transient Counter rejected;

  public ParseLogsFunction(LogCodec codec, OutputTag<DeadLetter> deadLetters) {
    this.codec = codec;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    // every slot of the job runs a parse subtask: the hook reaches every TaskManager it runs on
    JdbcDrivers.deregisterOnRelease(getRuntimeContext());
    var group = getRuntimeContext().getMetricGroup().addGroup("vigil");
    parsed = group.counter("logsParsed");
    rejected = group.counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<LogEvent> out) {
    LogCodec.Result result = codec.decode(raw.value(), raw.kafkaTimestamp());
    for (LogEvent e : result.events()) {
      parsed.inc();
      out.collect(e);
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
