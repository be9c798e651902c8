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
 *
 * <p>Strict contiguity with an explicit "gap" stage (further A anomalies inside the window) rather
 * than {@code followedBy}: an A never followed by B must end at the first event past its window,
 * or, open until {@code within}, it would hold back the emission of every later match.
 */
public final class SequencePattern {
  private SequencePattern() {}

  public static Pattern<RuleEvent, ?> create(Duration maxWindow) {
    return Pattern.<RuleEvent>begin("a", AfterMatchSkipStrategy.skipPastLastEvent())
        .where(SimpleCondition.of(e -> "A".equals(e.tag())))
        .next("gap")
        .where(new AfterA(false))
        .oneOrMore()
        .optional()
        .consecutive()
        .next("b")
        .where(new AfterA(true))
        .within(maxWindow);
  }

  private static final class AfterA extends IterativeCondition<RuleEvent> {
    private final boolean isB;

    AfterA(boolean isB) {
      this.isB = isB;
    }

    @Override
    public boolean filter(RuleEvent e, Context<RuleEvent> ctx) throws Exception {
      RuleEvent a = PatternEvents.first(ctx, "a");
      return e.timestamp() - a.timestamp() <= e.windowMs() && isB == "B".equals(e.tag());
    }
  }
}
