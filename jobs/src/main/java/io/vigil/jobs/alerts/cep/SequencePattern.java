package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * Anomaly A followed by anomaly B within {@code windowMs} on the same group (the events are keyed
 * by rule and service), e.g. an error-rate anomaly followed by a latency anomaly.
 */
public final class SequencePattern {
  private SequencePattern() {}

  public static Pattern<RuleEvent, ?> create(Duration maxWindow) {
    return Pattern.<RuleEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
        .where(SimpleCondition.of(e -> "A".equals(e.tag())))
        .followedBy("b")
        .where(
            new IterativeCondition<>() {
              @Override
              public boolean filter(RuleEvent e, Context<RuleEvent> ctx) throws Exception {
                RuleEvent a = PatternEvents.first(ctx, "a");
                return "B".equals(e.tag()) && e.timestamp() - a.timestamp() <= e.windowMs();
              }
            })
        .within(maxWindow);
  }
}
