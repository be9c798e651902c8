package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A condition toggling more than n times ({@code count} on the events) within {@code windowMs}: a
 * baseline event, then n toggles (events whose hit flag differs from the previous accepted one;
 * repeats of the same state are skipped by relaxed contiguity), then the (n+1)-th toggle.
 */
public final class FlappingPattern {
  private FlappingPattern() {}

  public static Pattern<RuleEvent, ?> create(Duration maxWindow) {
    return Pattern.<RuleEvent>begin("toggles", AfterMatchSkipStrategy.skipPastLastEvent())
        .where(new Toggle(false))
        .oneOrMore()
        .followedBy("last")
        .where(new Toggle(true))
        .within(maxWindow);
  }

  private static final class Toggle extends IterativeCondition<RuleEvent> {
    private final boolean last;

    Toggle(boolean last) {
      this.last = last;
    }

    @Override
    public boolean filter(RuleEvent e, Context<RuleEvent> ctx) throws Exception {
      RuleEvent first = PatternEvents.first(ctx, "toggles");
      if (first == null) {
        return !last; // any event is a baseline
      }
      RuleEvent prev = PatternEvents.last(ctx, "toggles");
      int seen = PatternEvents.count(ctx, "toggles"); // baseline + toggles so far
      boolean toggles = e.hit() != prev.hit() && e.timestamp() - first.timestamp() <= e.windowMs();
      return toggles && (last ? seen == e.count() + 1 : seen <= e.count());
    }
  }
}
