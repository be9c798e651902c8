package io.vigil.jobs.drift;

import io.vigil.common.drift.InfraStateCodec;
import io.vigil.common.drift.ResourceState;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Decodes resource-state reports; each unusable one becomes a counted dead letter. */
public final class ParseResourceStatesFunction extends ProcessFunction<RawRecord, ResourceState> {
  private static final long serialVersionUID = 1L;
  private final InfraStateCodec codec = new InfraStateCodec();
  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter rejected;
  private transient Counter reports;

  public ParseResourceStatesFunction(OutputTag<DeadLetter> deadLetters) {
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    var group = getRuntimeContext().getMetricGroup().addGroup("vigil");
    rejected = group.counter("deadLetters");
    reports = group.counter("resourceStates");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<ResourceState> out) {
    InfraStateCodec.Result r = codec.decode(raw.value(), raw.kafkaTimestamp());
    for (ResourceState s : r.states()) {
      reports.inc();
      out.collect(s);
    }
    for (String error : r.errors()) {
      rejected.inc();
      ctx.output(
          deadLetters,
          new DeadLetter(
              "drift",
              error,
              raw.topic(),
              raw.partition(),
              raw.offset(),
              raw.kafkaTimestamp(),
              raw.value()));
    }
  }
}
