package io.vigil.jobs.logs.functions;

import io.vigil.common.codec.LogJsonCodec;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.core.DeadLetter;
import org.apache.flink.api.common.functions.MapFunction;

/** Late log events are not dropped silently: they go to the dead-letter topic as JSON. */
public final class LateLogToDeadLetterFunction implements MapFunction<LogEvent, DeadLetter> {
  private static final long serialVersionUID = 1L;

  @Override
  public DeadLetter map(LogEvent e) {
    return new DeadLetter(
        "late",
        "event time "
            + e.timestamp()
            + " is behind the watermark: later than event-time.max-out-of-orderness",
        "",
        -1,
        -1,
        e.timestamp(),
        LogJsonCodec.encode(e));
  }
}
