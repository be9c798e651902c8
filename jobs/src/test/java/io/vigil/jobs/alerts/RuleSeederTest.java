package io.vigil.jobs.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RuleSeederTest {
  @Test
  void parsesAndValidatesASeedFile() {
    var rules =
        RuleSeeder.parse(
            """
            rules:
              - name: cpu high
                tenant: acme
                scope: {metric: cpu, tags: {env: prod}}
                condition: {kind: threshold, op: gt, value: 90}
                severity: high
                channels: [oncall-webhook, ops-email]
                for: 5m
                cooldown: 10m
                auto_resolve: 2m
              - name: checkout errors then latency
                tenant: acme
                condition:
                  kind: sequence
                  first: {metric: error_rate}
                  then: {metric: latency_p99}
                  window: 10m
            """);
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).at("/condition/value").asDouble()).isEqualTo(90);
  }

  @Test
  void aRunbookMustBeAnHttpUrl() {
    String rule =
        """
        - name: disk full
          tenant: acme
          condition: {kind: threshold, op: gt, value: 95}
          runbook_url: %s
        """;
    assertThat(RuleSeeder.parse(rule.formatted("https://wiki.example.com/disk")).get(0))
        .isNotNull();
    assertThatThrownBy(() -> RuleSeeder.parse(rule.formatted("wiki/disk")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("disk full")
        .hasMessageContaining("runbook_url must be an http(s) URL");
  }

  @Test
  void rejectsAnInvalidRuleNamingIt() {
    assertThatThrownBy(
            () ->
                RuleSeeder.parse(
                    "- {name: bad, tenant: acme, condition: {kind: threshold, op: between}}"))
        .hasMessageContaining("rule bad")
        .hasMessageContaining("unknown operator");
  }

  @Test
  void aRulesIdDependsOnItsTenantAndNameOnly() {
    assertThat(RuleSeeder.ruleId("acme", "cpu high"))
        .isEqualTo(RuleSeeder.ruleId("acme", "cpu high"));
    assertThat(RuleSeeder.ruleId("acme", "cpu high"))
        .isNotEqualTo(RuleSeeder.ruleId("acme", "cpu hig"))
        .isNotEqualTo(RuleSeeder.ruleId("acme2", "cpu high"));
    // the separator keeps ("ab", "c") and ("a", "bc") apart
    assertThat(RuleSeeder.ruleId("ab", "c")).isNotEqualTo(RuleSeeder.ruleId("a", "bc"));
  }

  @Test
  void parsesInhibitRulesBesideTheRules() {
    String seed =
        """
        rules:
          - {name: node down, tenant: acme, condition: {kind: threshold, op: lt, value: 1}}
        inhibit_rules:
          - name: a node down mutes its services
            tenant: acme
            source_matchers: {alertname: node down}
            target_matchers: {severity: medium}
            equal: [source]
            wait: 30s
        """;
    assertThat(RuleSeeder.parse(seed))
        .extracting(n -> n.get("name").asText())
        .containsExactly("node down");
    assertThat(RuleSeeder.parseInhibitRules(seed))
        .singleElement()
        .satisfies(n -> assertThat(n.at("/target_matchers/severity").asText()).isEqualTo("medium"));
    // a plain list is alert rules only, as before
    assertThat(RuleSeeder.parseInhibitRules("- {name: x, tenant: acme, condition: {kind: absent}}"))
        .isEmpty();
    assertThat(
            RuleSeeder.parse(
                "inhibit_rules: [{name: i, tenant: acme, target_matchers: {severity: low}}]"))
        .isEmpty();
  }

  @Test
  void rejectsAnInhibitRuleThatWouldMuteEverythingOrIsMalformed() {
    String rule = "inhibit_rules: [{name: mute, tenant: acme, %s}]";
    assertThatThrownBy(() -> RuleSeeder.parseInhibitRules(rule.formatted("equal: [source]")))
        .hasMessageContaining("inhibit rule 'mute'")
        .hasMessageContaining("target_matchers")
        .hasMessageContaining("mute every alert");
    assertThatThrownBy(() -> RuleSeeder.parseInhibitRules(rule.formatted("target_matchers: {}")))
        .hasMessageContaining("at least one entry");
    assertThatThrownBy(
            () ->
                RuleSeeder.parseInhibitRules(
                    rule.formatted("target_matchers: {severity: [low, medium]}")))
        .hasMessageContaining("map of label: value");
    assertThatThrownBy(
            () ->
                RuleSeeder.parseInhibitRules(
                    rule.formatted("target_matchers: {severity: low}, equal: source")))
        .hasMessageContaining("equal must be a list of label names");
    assertThatThrownBy(
            () ->
                RuleSeeder.parseInhibitRules(
                    rule.formatted("target_matchers: {severity: low}, wait: soon")))
        .hasMessageContaining("wait must be a duration")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> RuleSeeder.parseInhibitRules("inhibit_rules: [{tenant: acme}]"))
        .hasMessageContaining("needs 'name' and 'tenant'");
  }

  @Test
  void rejectsAnUnknownSection() {
    assertThatThrownBy(() -> RuleSeeder.parse("inhibits: []"))
        .hasMessageContaining("unknown section 'inhibits'")
        .hasMessageContaining("inhibit_rules");
  }
}
