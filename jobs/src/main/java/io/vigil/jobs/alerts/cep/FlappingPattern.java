package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A condition toggling more than n times ({@code count} on the events) within {@code windowMs}:
 * consecutive events of one series from a start event, counting changes of the hit flag between
 * neighbours, matched when the (n+1)-th change arrives inside the window.
 *
 * <p>Strict contiguity: every event of the series belongs to the run, so the first event past the
 * window ends a partial match (an open stale partial would hold back later matches until {@code
 * within}).
 */
public final class FlappingPattern {
  private FlappingPattern() {}

  public static Pattern<RuleEvent, ?> create(Duration maxWindow) {
    return Pattern.<RuleEvent>begin("run", AfterMatchSkipStrategy.skipPastLastEvent())
        .where(new Toggles(false))
        .oneOrMore()
        .consecutive()
        .next("last")
        .where(new Toggles(true))
        .within(maxWindow);
  }

  private static final class Toggles extends IterativeCondition<RuleEvent> {
    private final boolean last;

    Toggles(boolean last) {
      this.last = last;
    }

    @Override
    public boolean filter(RuleEvent e, Context<RuleEvent> ctx) throws Exception {
      RuleEvent first = null;
      RuleEvent prev = null;
      int toggles = 0;
      for (RuleEvent r : ctx.getEventsForPattern("run")) {
        if (first == null) {
          first = r;
        } else if (r.hit() != prev.hit()) {
          toggles++;
        }
        prev = r;
      }
      if (first == null) {
        return !last; // the start of a run
      }
      if (e.timestamp() - first.timestamp() > e.windowMs()) {
        return false;
      }
      toggles += e.hit() != prev.hit() ? 1 : 0;
      return last ? toggles == e.count() + 1 : toggles <= e.count();
    }
  }
}
