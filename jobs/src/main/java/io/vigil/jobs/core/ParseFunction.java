package io.vigil.jobs.core;

import io.vigil.jobs.db.JdbcDrivers;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records into values of type {@code T}. Every part that can't be used becomes a
 * {@link DeadLetter} on a side output, with the reason and the origin, and is counted; nothing
 * throws. Subclasses only decode.
 */
public abstract class ParseFunction<T> extends ProcessFunction<RawRecord, T> {
  private static final long serialVersionUID = 1L;

  private final OutputTag<DeadLetter> deadLetters;
  private final String parsedCounter;
  private transient Counter parsed;
  private transient Counter rejected;

  /** What one record decoded into: the good values and one reason per bad part. */
  public record Decoded<T>(List<T> values, List<String> errors) {}

  /**
   * @param parsedCounter name of the counter of good values (group {@code vigil})
   */
  protected ParseFunction(OutputTag<DeadLetter> deadLetters, String parsedCounter) {
    this.deadLetters = deadLetters;
    this.parsedCounter = parsedCounter;
  }

  /** Decodes one record; never throws. */
  protected abstract Decoded<T> decode(RawRecord raw);

  @Override
  public void open(OpenContext openContext) {
    // every slot of the job runs a parse subtask: the hook reaches every TaskManager it runs on
    JdbcDrivers.deregisterOnRelease(getRuntimeContext());
    var group = getRuntimeContext().getMetricGroup().addGroup("vigil");
    parsed = group.counter(parsedCounter);
    rejected = group.counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
    Decoded<T> decoded = decode(raw);
    for (T value : decoded.values()) {
      parsed.inc();
      out.collect(value);
    }
    for (String reason : decoded.errors()) {
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
