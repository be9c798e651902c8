package io.vigil.jobs.metrics.functions;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import org.apache.flink.api.common.functions.MapFunction;

/** Late points are not dropped silently: they go to the dead-letter topic, re-encoded as JSON. */
public final class LateToDeadLetterFunction implements MapFunction<MetricPoint, DeadLetter> {
  private static final long serialVersionUID = 1L;

  @Override
  public DeadLetter map(MetricPoint p) {
    return new DeadLetter(
        "late",
        "event time "
            + p.timestamp()
            + " is behind the watermark and not newer than its series' last point: out of order"
            + " by more than event-time.max-out-of-orderness",
        "",
        -1,
        -1,
        p.timestamp(),
        MetricJsonCodec.encode(p));
  }
}
