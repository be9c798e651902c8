package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.DeadLetter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LateRuleEventToDeadLetterFunctionTest {
  @Test
  void aLateRuleEventBecomesADeadLetterWithItsRuleReasonAndTheEventAsJson() throws Exception {
    RuleEvent e =
        new RuleEvent(
            "r7@2|fp",
            "fp",
            "r7",
            2,
            Route.SINGLE_HIT,
            1_700_000_000_000L,
            97.5,
            true,
            "",
            0,
            1,
            Map.of("source", "db-3"),
            "",
            "");
    DeadLetter d = new LateRuleEventToDeadLetterFunction().map(e);
    assertThat(d.stage()).isEqualTo("alerting-late");
    assertThat(d.reason()).contains("rule r7", "1700000000000", "alerting.late-tolerance");
    assertThat(d.kafkaTimestamp()).isEqualTo(e.timestamp());
    JsonNode json = new ObjectMapper().readTree(d.raw());
    assertThat(json.path("groupKey").asText()).isEqualTo("r7@2|fp");
    assertThat(json.path("value").asDouble()).isEqualTo(97.5);
    assertThat(json.at("/labels/source").asText()).isEqualTo("db-3");
  }
}
