package io.vigil.jobs.core;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records with a {@link RecordDecoder}: the values go on (counted in {@code
 * vigil.<counter>}), each reason a record gives becomes a dead letter of {@code stage} (counted in
 * {@code vigil.deadLetters}). For inputs decoded after the source (no per-partition watermarks
 * needed).
 */
public final class DecodeFunction<T> extends ProcessFunction<RawRecord, T> {
  private static final long serialVersionUID = 1L;
  private final String stage;
  private final String counter;
  private final RecordDecoder<T> decoder;
  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter decoded;
  private transient Counter rejected;

  public DecodeFunction(
      String stage, String counter, RecordDecoder<T> decoder, OutputTag<DeadLetter> deadLetters) {
    this.stage = stage;
    this.counter = counter;
    this.decoder = decoder;
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    var group = VigilMetrics.of(getRuntimeContext());
    decoded = group.counter(counter);
    rejected = group.counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
    RecordDecoder.Decoded<T> d = decoder.decode(raw);
    for (T value : d.values()) {
      decoded.inc();
      out.collect(value);
    }
    for (String reason : d.errors()) {
      rejected.inc();
      ctx.output(
          deadLetters,
          new DeadLetter(
              stage,
              reason,
              raw.topic(),
              raw.partition(),
              raw.offset(),
              raw.kafkaTimestamp(),
              raw.value()));
    }
  }
}
