package io.vigil.jobs.core;

import io.vigil.jobs.db.JdbcDrivers;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after a {@link io.vigil.jobs.source.DecodingSource}: good values flow on (with the event
 * time the source gave them), dead letters go to a side output; both are counted. Nothing is
 * dropped.
 */
public final class SplitParsedFunction<T> extends ProcessFunction<Parsed<T>, T>
    implements ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  private final OutputTag<DeadLetter> deadLetters;
  private final String parsedCounter;
  private final TypeInformation<T> type;
  private transient Counter parsed;
  private transient Counter rejected;

  /**
   * @param parsedCounter name of the counter of good values (group {@code vigil}); bad ones are
   *     counted by {@code vigil.deadLetters}
   */
  public SplitParsedFunction(
      OutputTag<DeadLetter> deadLetters, String parsedCounter, TypeInformation<T> type) {
    this.deadLetters = deadLetters;
    this.parsedCounter = parsedCounter;
    this.type = type;
  }

  @Override
  public void open(OpenContext openContext) {
    // every slot of the job runs a subtask of this operator: the hook reaches every TaskManager
    JdbcDrivers.deregisterOnRelease(getRuntimeContext());
    var group = VigilMetrics.of(getRuntimeContext());
    parsed = group.counter(parsedCounter);
    rejected = group.counter("deadLetters");
  }

  @Override
  public void processElement(Parsed<T> e, Context ctx, Collector<T> out) {
    if (e.value != null) {
      parsed.inc();
      out.collect(e.value);
    } else {
      rejected.inc();
      ctx.output(deadLetters, e.deadLetter);
    }
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return type;
  }
}
