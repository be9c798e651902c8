package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A condition changing more than n times ({@code count} on the events) within {@code windowMs}, on
 * the changes of the hit flag that {@code FlappingChangeFunction} forwards: a run of consecutive
 * changes, matched when the (n+1)-th arrives within the window of the first. A change is dated by
 * the first point that shows the new state. Each event counts as a change where it starts a run,
 * and after that when its flag differs from the event before it, so a run that holds repeats (the
 * events of a partial match restored from a version that sent every point) is not over-counted.
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
      int changes = 0;
      for (RuleEvent r : ctx.getEventsForPattern("run")) {
        if (first == null) {
          first = r;
          changes = 1;
        } else if (r.hit() != prev.hit()) {
          changes++;
        }
        prev = r;
      }
      if (first == null) {
        return !last; // the start of a run: its first change
      }
      if (e.timestamp() - first.timestamp() > e.windowMs()) {
        return false;
      }
      changes += e.hit() != prev.hit() ? 1 : 0;
      return last ? changes == e.count() + 1 : changes <= e.count();
    }
  }
}
