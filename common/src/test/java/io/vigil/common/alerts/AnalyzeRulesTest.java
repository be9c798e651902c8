package io.vigil.common.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnalyzeRulesTest {
  static final String RULES =
      """
      [{"id":"b","name":"ignore test alerts","priority":10,"alert_name_pattern":"Test*",
        "severity_pattern":"","action":"ignore","enabled":true},
       {"id":"a","name":"critical db","priority":20,"alert_name_pattern":"*Postgres*",
        "severity_pattern":"crit*","action":"auto_analyze","enabled":true},
       {"id":"c","name":"warnings by hand","priority":20,"alert_name_pattern":"*",
        "severity_pattern":"warn?ng","action":"manual","enabled":true},
       {"id":"d","name":"off","priority":1,"alert_name_pattern":"*","severity_pattern":"",
        "action":"ignore","enabled":false}]
      """;

  @Test
  void theMatchingRuleWithTheLowestPriorityDecides() {
    AnalyzeRules rules = AnalyzeRules.parse(RULES);
    assertThat(rules.rules()).extracting(AnalyzeRules.Rule::id).containsExactly("b", "a", "c");
    assertThat(rules.match("TestAlert", "critical").action()).isEqualTo("ignore");
    assertThat(rules.match("PostgresDown", "critical").id()).isEqualTo("a");
    assertThat(rules.match("postgresdown", "CRITICAL").id()).isEqualTo("a"); // case-insensitive
    assertThat(rules.match("PostgresDown", "warning").id()).isEqualTo("c");
    assertThat(rules.match("PostgresDown", null)).isNull(); // '' does not match crit*
    assertThat(rules.match("HighLatency", "info")).isNull();
    assertThat(AnalyzeRules.parse(null).match("x", "y")).isNull();
  }

  @Test
  void globsQuoteEverythingButTheirWildcards() {
    assertThat(AnalyzeRules.glob("a.b*").matcher("a.bc").matches()).isTrue();
    assertThat(AnalyzeRules.glob("a.b*").matcher("axbc").matches()).isFalse();
    assertThat(AnalyzeRules.glob("(x)?").matcher("(x)1").matches()).isTrue();
    assertThat(AnalyzeRules.glob("").matcher("anything").matches()).isTrue();
  }
}
