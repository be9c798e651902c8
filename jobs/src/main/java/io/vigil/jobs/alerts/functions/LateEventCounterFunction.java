package io.vigil.jobs.alerts.functions;

import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.VigilMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Counts rule events the CEP operators received behind the watermark (metric {@code
 * lateRuleEvents}); CEP would otherwise drop them silently and a breach would vanish.
 */
public class LateEventCounterFunction extends RichMapFunction<RuleEvent, RuleEvent> {
  private transient Counter late;

  @Override
  public void open(OpenContext ctx) {
    late = VigilMetrics.of(getRuntimeContext()).counter("lateRuleEvents");
  }

  @Override
  public RuleEvent map(RuleEvent e) {
    late.inc();
    return e;
  }
}
