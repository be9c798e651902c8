package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/** Helpers for the iterative conditions: the events already matched by a pattern stage. */
final class PatternEvents {
  private PatternEvents() {}

  static RuleEvent first(IterativeCondition.Context<RuleEvent> ctx, String stage) throws Exception {
    for (RuleEvent e : ctx.getEventsForPattern(stage)) {
      return e;
    }
    return null;
  }

  static RuleEvent last(IterativeCondition.Context<RuleEvent> ctx, String stage) throws Exception {
    RuleEvent last = null;
    for (RuleEvent e : ctx.getEventsForPattern(stage)) {
      last = e;
    }
    return last;
  }

  static int count(IterativeCondition.Context<RuleEvent> ctx, String stage) throws Exception {
    int n = 0;
    for (RuleEvent ignored : ctx.getEventsForPattern(stage)) {
      n++;
    }
    return n;
  }
}
