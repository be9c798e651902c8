package io.vigil.jobs.logs.functions;

import io.vigil.common.codec.LogCodec;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.ParseFunction;
import io.vigil.jobs.core.RawRecord;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records into log events (JSON lines, OTLP JSON or raw text). Every part that
 * can't be used becomes a {@link DeadLetter} with the reason and the origin, and is counted.
 */
public final class ParseLogsFunction extends ParseFunction<LogEvent> {
  private static final long serialVersionUID = 1L;

  private final LogCodec codec;

  public ParseLogsFunction(LogCodec codec, OutputTag<DeadLetter> deadLetters) {
    super(deadLetters, "logsParsed");
    this.codec = codec;
  }

  @Override
  protected Decoded<LogEvent> decode(RawRecord raw) {
    LogCodec.Result result = codec.decode(raw.value(), raw.kafkaTimestamp());
    return new Decoded<>(result.events(), result.errors());
  }
}
