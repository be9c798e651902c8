package io.vigil.common.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.model.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleCodecTest {

  @ParameterizedTest
  @CsvSource({
    "gt,2,1,true", "gt,1,1,false", "gte,1,1,true", "lt,0,1,true", "lt,1,1,false",
    "lte,1,1,true", "eq,1,1,true", "eq,1.5,1,false", "ne,1.5,1,true", "ne,1,1,false"
  })
  void operatorsCompareValueToThreshold(String op, double v, double t, boolean want) {
    assertThat(ComparisonOperator.parse(op).test(v, t)).isEqualTo(want);
  }

  @Test
  void nanNeverBreaches() {
    for (ComparisonOperator op : ComparisonOperator.values()) {
      assertThat(op.test(Double.NaN, 1)).isFalse();
    }
  }

  @Test
  void durationsParseUnits() {
    assertThat(Durations.parseMillis("500ms")).isEqualTo(500);
    assertThat(Durations.parseMillis("30s")).isEqualTo(30_000);
    assertThat(Durations.parseMillis("5m")).isEqualTo(300_000);
    assertThat(Durations.parseMillis("2h")).isEqualTo(7_200_000);
    assertThat(Durations.parseMillis("7")).isEqualTo(7_000);
    assertThatThrownBy(() -> Durations.parseMillis("5 minutes"))
        .hasMessageContaining("bad duration");
  }

  @Test
  void parsesEveryConditionKind() {
    String json =
        """
        [{"id":"t","name":"cpu high","tenant":"acme","severity":"high","channels":["ops"],
          "scope":{"metric":"cpu","tags":{"env":"prod"}},"for":"5m","cooldown":"10m",
          "condition":{"kind":"threshold","op":"gt","value":90}},
         {"id":"a","condition":{"kind":"anomaly","min_severity":"high","count":3,"window":"10m"}},
         {"id":"d","condition":{"kind":"absence","window":"2m","per":"source"}},
         {"id":"s","condition":{"kind":"sequence","first":{"metric":"error_rate"},
            "then":{"metric":"latency_p99"},"window":"10m"}},
         {"id":"f","condition":{"kind":"flapping","op":"gt","value":1,"toggles":4,"window":"10m"}}]
        """;
    List<AlertRule> rules = RuleCodec.listFromJson(json);
    AlertRule t = rules.get(0);
    assertThat(t.forMs()).isEqualTo(300_000);
    assertThat(t.cooldownMs()).isEqualTo(600_000);
    assertThat(t.severity()).isEqualTo(Severity.HIGH);
    assertThat(t.channels()).containsExactly("ops");
    assertThat(t.condition().breached(91)).isTrue();
    assertThat(t.scope().matches("web-1", "cpu", Map.of("env", "prod"))).isTrue();
    assertThat(t.scope().matches("web-1", "cpu", Map.of("env", "dev"))).isFalse();
    assertThat(rules.get(1).condition().count()).isEqualTo(3);
    assertThat(rules.get(2).condition().groupBy()).isEqualTo("source");
    assertThat(rules.get(3).condition().groupBy()).isEqualTo("service");
    assertThat(rules.get(4).condition().count()).isEqualTo(4);
  }

  @Test
  void invalidConditionsNameTheRuleAndTheFix() {
    assertThatThrownBy(
            () -> RuleCodec.listFromJson("[{\"id\":\"x\",\"condition\":{\"kind\":\"absence\"}}]"))
        .hasMessageContaining("rule x")
        .hasMessageContaining("window");
  }

  @Test
  void scopeGlobsAndNegation() {
    Scope s = new Scope("http_*", null, Map.of("env", "!dev"));
    assertThat(s.matches("any", "http_latency", Map.of("env", "prod"))).isTrue();
    assertThat(s.matches("any", "http_latency", Map.of())).isTrue();
    assertThat(s.matches("any", "http_latency", Map.of("env", "dev"))).isFalse();
    assertThat(s.matches("any", "cpu", Map.of())).isFalse();
  }
}
