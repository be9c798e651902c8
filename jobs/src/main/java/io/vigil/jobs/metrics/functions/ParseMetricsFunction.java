package io.vigil.jobs.metrics.functions;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.ParseFunction;
import io.vigil.jobs.core.RawRecord;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw Kafka records into metric points. Every element that can't be used becomes a {@link
 * DeadLetter} on a side output, with the reason and the origin, and is counted; nothing throws.
 */
public final class ParseMetricsFunction extends ParseFunction<MetricPoint> {
  private static final long serialVersionUID = 1L;

  private final MetricJsonCodec codec;

  public ParseMetricsFunction(MetricJsonCodec codec, OutputTag<DeadLetter> deadLetters) {
    super(deadLetters, "pointsParsed");
    this.codec = codec;
  }

  @Override
  protected Decoded<MetricPoint> decode(RawRecord raw) {
    MetricJsonCodec.Result result = codec.decode(raw.value());
    return new Decoded<>(result.points(), result.errors());
  }
}
