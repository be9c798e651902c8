package io.vigil.common.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An anomaly's events carry its explanation in words and its id, for the alert it may raise. */
class RuleMatcherDetailTest {
  private static final List<AlertRule> RULES =
      RuleCodec.listFromJson(
          "[{\"id\":\"r1\",\"name\":\"any\",\"tenant\":\"acme\",\"enabled\":true,\"version\":1,"
              + "\"condition\":{\"kind\":\"anomaly\",\"min_severity\":\"low\"}},"
              + "{\"id\":\"r2\",\"name\":\"seq\",\"tenant\":\"acme\",\"enabled\":true,\"version\":1,"
              + "\"condition\":{\"kind\":\"sequence\",\"first\":{\"metric\":\"logs\"},"
              + "\"then\":{\"metric\":\"latency\"},\"window\":\"10m\",\"by\":\"source\"}}]");

  static Anomaly anomaly(String explanation) {
    return new Anomaly(
        "a1",
        "acme",
        "billing",
        "logs",
        Map.of(),
        "acme/billing/logs",
        1_000,
        0,
        1.0,
        Severity.CRITICAL,
        "log-silence",
        "1",
        explanation);
  }

  @Test
  void everyEventOfAnAnomalyCarriesItsWhy() {
    List<RuleEvent> events =
        RuleMatcher.forAnomaly(
            RULES,
            anomaly("{\"component\":\"silence\",\"why\":\"no log events for 5 min\",\"x\":1}"));
    assertThat(events)
        .extracting(RuleEvent::route)
        .containsExactly(Route.SINGLE_HIT, Route.SEQUENCE);
    assertThat(events).extracting(RuleEvent::detail).containsOnly("no log events for 5 min");
    assertThat(events).extracting(RuleEvent::anomalyId).containsOnly("a1");
  }

  @Test
  void aMissingOrBrokenExplanationIsNoDetailAndALongOneIsCut() {
    assertThat(RuleMatcher.forAnomaly(RULES, anomaly("{}")).get(0).detail()).isEmpty();
    assertThat(RuleMatcher.forAnomaly(RULES, anomaly("not json")).get(0).detail()).isEmpty();
    String longWhy = "x".repeat(2_000);
    String cut =
        RuleMatcher.forAnomaly(RULES, anomaly("{\"why\":\"" + longWhy + "\"}")).get(0).detail();
    assertThat(cut).hasSize(RuleMatcher.MAX_DETAIL).endsWith("...");
  }
}
