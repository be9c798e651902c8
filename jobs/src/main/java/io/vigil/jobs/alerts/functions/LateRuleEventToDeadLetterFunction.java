package io.vigil.jobs.alerts.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A rule event no CEP operator could evaluate (behind the watermark, and out of its series' order
 * or beyond {@code alerting.late-tolerance}) as a dead letter: the event as JSON, with the rule and
 * the reason, so a breach that was not evaluated is never lost without a trace.
 */
public final class LateRuleEventToDeadLetterFunction implements MapFunction<RuleEvent, DeadLetter> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public DeadLetter map(RuleEvent e) throws JsonProcessingException {
    return new DeadLetter(
        "alerting-late",
        "rule "
            + e.ruleId()
            + " ("
            + e.route()
            + ") not evaluated: event time "
            + e.timestamp()
            + " is behind the watermark and not newer than its series' last event for the rule, or"
            + " more than alerting.late-tolerance behind",
        "",
        -1,
        -1,
        e.timestamp(),
        JSON.writeValueAsString(e).getBytes(StandardCharsets.UTF_8));
  }
}
