package io.vigil.jobs.alerts.cep;

import io.vigil.common.rules.RuleEvent;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/** One qualifying event fires: a threshold without for-duration, or a single anomaly. */
public final class SingleHitPattern {
  private SingleHitPattern() {}

  public static Pattern<RuleEvent, ?> create() {
    return Pattern.<RuleEvent>begin("hit", AfterMatchSkipStrategy.noSkip())
        .where(SimpleCondition.of(RuleEvent::hit));
  }
}
