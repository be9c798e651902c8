package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * k qualifying anomalies within a window (k = {@code count} &gt;= 2 on the events): a first one,
 * k-2 more, and the k-th, all within {@code windowMs} of the first. After a match the next one
 * needs k fresh anomalies.
 *
 * <p>Only qualifying anomalies are routed here, so strict contiguity loses nothing, and it matters:
 * CEP emits a completed match only once no earlier-started partial match is open, and with relaxed
 * contiguity a partial whose window had passed would stay open until {@code within} and hold back
 * every later alert. Under strict contiguity the first event outside its window ends it.
 */
public final class AnomalyCountPattern {
  private AnomalyCountPattern() {}

  public static Pattern<RuleEvent, ?> create(Duration maxWindow) {
    return Pattern.<RuleEvent>begin("first", AfterMatchSkipStrategy.skipPastLastEvent())
        .where(SimpleCondition.of(RuleEvent::hit))
        .next("more")
        .where(new Nth(false))
        .oneOrMore()
        .optional()
        .consecutive()
        .next("last")
        .where(new Nth(true))
        .within(maxWindow);
  }

  private static final class Nth extends IterativeCondition<RuleEvent> {
    private final boolean kth;

    Nth(boolean kth) {
      this.kth = kth;
    }

    @Override
    public boolean filter(RuleEvent e, Context<RuleEvent> ctx) throws Exception {
      RuleEvent first = PatternEvents.first(ctx, "first");
      if (!e.hit() || e.timestamp() - first.timestamp() > e.windowMs()) {
        return false;
      }
      int more = PatternEvents.count(ctx, "more");
      return kth ? more == e.count() - 2 : more < e.count() - 2;
    }
  }
}
