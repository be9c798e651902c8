package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * A threshold held for the rule's for-duration (Prometheus {@code for}): a breaching event, then
 * only breaching events (strict contiguity: one clear sample in between breaks it), until one at
 * least {@code windowMs} after the first. The duration comes with each event, so one static pattern
 * serves every rule.
 */
public final class ThresholdForPattern {
  private ThresholdForPattern() {}

  public static Pattern<RuleEvent, ?> create(Duration maxWindow) {
    return Pattern.<RuleEvent>begin("first", AfterMatchSkipStrategy.skipPastLastEvent())
        .where(SimpleCondition.of(RuleEvent::hit))
        .next("held")
        .where(new Held(false))
        .oneOrMore()
        .optional()
        .consecutive()
        .next("done")
        .where(new Held(true))
        .within(maxWindow);
  }

  /** Breaching, and either still inside the duration or (for "done") past it. */
  private static final class Held extends IterativeCondition<RuleEvent> {
    private final boolean reached;

    Held(boolean reached) {
      this.reached = reached;
    }

    @Override
    public boolean filter(RuleEvent e, Context<RuleEvent> ctx) throws Exception {
      if (!e.hit()) {
        return false;
      }
      RuleEvent first = PatternEvents.first(ctx, "first");
      long held = e.timestamp() - first.timestamp();
      return reached == (held >= e.windowMs());
    }
  }
}
