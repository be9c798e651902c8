package io.vigil.jobs.alerts.cep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a match says in words: the last event's detail, and for a sequence both halves. */
class RuleMatchFunctionTest {
  static RuleEvent event(Route route, long ts, String tag, String detail) {
    String anomalyId = detail.isEmpty() ? "" : "anomaly-" + ts;
    return new RuleEvent(
        "g", "fp", "r1", 1, route, ts, 1, true, tag, 600_000, 2, Map.of(), detail, anomalyId);
  }

  @Test
  void aSequenceSaysWhatAAndThenBSaid() {
    RuleEvent a = event(Route.SEQUENCE, 1_000, "A", "error_rate 0.5 (usual 0.03)");
    RuleEvent b = event(Route.SEQUENCE, 2_000, "B", "level: latency 900 vs expected 120");
    assertThat(RuleMatchFunction.detail(a, b))
        .isEqualTo("error_rate 0.5 (usual 0.03); then level: latency 900 vs expected 120");
    assertThat(RuleMatchFunction.detail(b, b)).isEqualTo("level: latency 900 vs expected 120");
  }

  @Test
  void kAnomaliesSayWhatTheLastOneSaid() {
    RuleEvent first = event(Route.ANOMALY_COUNT, 1_000, "", "seasonal: value 9");
    RuleEvent last = event(Route.ANOMALY_COUNT, 3_000, "", "burst: 5 extremes in 56 points");
    assertThat(RuleMatchFunction.detail(first, last)).isEqualTo("burst: 5 extremes in 56 points");
    assertThat(RuleMatchFunction.detail(first, event(Route.SINGLE_HIT, 4_000, "", ""))).isEmpty();
  }
}
