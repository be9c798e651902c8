package io.vigil.jobs.alerts.cep;

import io.vigil.common.alerts.Signal;
import io.vigil.common.alerts.SignalType;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/** Turns a match of any rule pattern into a FIRE signal for the alert lifecycle. */
public class RuleMatchFunction extends PatternProcessFunction<RuleEvent, Signal> {

  @Override
  public void processMatch(Map<String, List<RuleEvent>> match, Context ctx, Collector<Signal> out) {
    RuleEvent first = null;
    RuleEvent last = null;
    for (List<RuleEvent> events : match.values()) {
      for (RuleEvent e : events) {
        if (last == null || e.timestamp() >= last.timestamp()) {
          last = e;
        }
        if (first == null || e.timestamp() < first.timestamp()) {
          first = e;
        }
      }
    }
    if (last != null) {
      out.collect(
          new Signal(
              last.fingerprint(),
              last.ruleId(),
              last.ruleVersion(),
              SignalType.FIRE,
              last.timestamp(),
              last.value(),
              last.labels(),
              detail(first, last),
              last.anomalyId()));
    }
  }

  /**
   * The match in words: the last event's detail; for a sequence, what A said and then what B said.
   */
  static String detail(RuleEvent first, RuleEvent last) {
    if (last.route() == Route.SEQUENCE
        && first != last
        && !first.detail().isEmpty()
        && !first.detail().equals(last.detail())) {
      return first.detail() + "; then " + last.detail();
    }
    return last.detail();
  }
}
