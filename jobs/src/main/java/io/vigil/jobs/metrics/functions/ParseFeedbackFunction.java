package io.vigil.jobs.metrics.functions;

import io.vigil.common.codec.FeedbackJsonCodec;
import io.vigil.common.model.Feedback;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.VigilMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Decodes on-call feedback from Kafka; what can't be used becomes a counted dead letter. */
public final class ParseFeedbackFunction extends ProcessFunction<RawRecord, Feedback> {
  private static final long serialVersionUID = 1L;
  private final FeedbackJsonCodec codec = new FeedbackJsonCodec();
  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter rejected;

  public ParseFeedbackFunction(OutputTag<DeadLetter> deadLetters) {
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    rejected = VigilMetrics.of(getRuntimeContext()).counter("deadLetters");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Feedback> out) {
    String origin = raw.topic() + "/" + raw.partition() + "/" + raw.offset();
    FeedbackJsonCodec.Result r = codec.decode(raw.value(), origin, raw.kafkaTimestamp());
    if (r.feedback() != null) {
      out.collect(r.feedback());
      return;
    }
    rejected.inc();
    ctx.output(
        deadLetters,
        new DeadLetter(
            "feedback",
            r.error(),
            raw.topic(),
            raw.partition(),
            raw.offset(),
            raw.kafkaTimestamp(),
            raw.value()));
  }
}
