package io.vigil.common.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InhibitRuleTest {
  private static final InhibitRule NODE_DOWN =
      new InhibitRule(
          "i1",
          "acme",
          Map.of("alertname", "node down"),
          Map.of("severity", "warn*"),
          List.of("tenant", "node"),
          InhibitRule.DEFAULT_WAIT_MS);

  private static Map<String, String> node(String node) {
    return Map.of("tenant", "acme", "node", node, "alertname", "node down", "severity", "critical");
  }

  private static Map<String, String> service(String node, String severity) {
    return Map.of(
        "tenant", "acme", "node", node, "alertname", "latency high", "severity", severity);
  }

  @Test
  void aFiringSourceMutesTargetsWithTheSameEqualLabelsOnly() {
    assertThat(NODE_DOWN.mutes(node("n1"), service("n1", "warning"))).isTrue();
    assertThat(NODE_DOWN.mutes(node("n1"), service("n2", "warning"))).as("other node").isFalse();
    assertThat(NODE_DOWN.mutes(node("n1"), service("n1", "critical"))).as("not a target").isFalse();
    assertThat(NODE_DOWN.mutes(service("n1", "warning"), service("n1", "warning")))
        .as("not a source")
        .isFalse();
  }

  @Test
  void aMissingEqualLabelCountsAsEmpty() {
    Map<String, String> noNode = Map.of("tenant", "acme", "alertname", "node down");
    Map<String, String> target = Map.of("tenant", "acme", "severity", "warning");
    assertThat(NODE_DOWN.mutes(noNode, target)).isTrue();
    assertThat(NODE_DOWN.mutes(noNode, service("n1", "warning"))).isFalse();
  }

  @Test
  void alertsMatchingBothSidesNeverMuteEachOther() {
    InhibitRule both =
        new InhibitRule(
            "i2", "acme", Map.of("severity", "critical"), Map.of("tenant", "acme"), List.of(), 0);
    Map<String, String> a = service("n1", "critical");
    Map<String, String> b = service("n2", "critical");
    assertThat(both.mutes(a, b)).isFalse();
    assertThat(both.mutes(a, service("n2", "warning"))).isTrue();
  }

  @Test
  void theMatchersSeeTheRuleNameAndSeverityOfATransition() {
    AlertTransition t =
        new AlertTransition(
            "id",
            "fp",
            "r1",
            "node down",
            "critical",
            AlertStatus.FIRING,
            "firing",
            true,
            "key",
            0,
            0,
            0,
            1,
            Map.of("tenant", "acme", "node", "n1"),
            Map.of(),
            List.of(),
            "",
            0,
            0);
    assertThat(InhibitRule.labels(t))
        .containsEntry("alertname", "node down")
        .containsEntry("severity", "critical")
        .containsEntry("node", "n1");
    assertThat(NODE_DOWN.isSource(InhibitRule.labels(t))).isTrue();
  }

  @Test
  void rulesParseFromThePollersJsonAndStayWithinTheirTenant() {
    List<InhibitRule> rules =
        InhibitRule.parseAll(
            "[{\"id\":\"a\",\"tenant\":\"acme\",\"source\":{\"alertname\":\"node down\"},"
                + "\"target\":{\"severity\":\"warn*\"},\"equal\":[\"node\"]},"
                + "{\"id\":\"b\",\"tenant\":\"acme\",\"source\":{},\"target\":{}},"
                + "{\"id\":\"c\",\"source\":{},\"target\":{\"severity\":\"low\"}}]");
    assertThat(rules)
        .extracting(InhibitRule::id)
        .as("b mutes everything, c has no tenant")
        .containsExactly("a");
    InhibitRule a = rules.get(0);
    assertThat(a.equal()).containsExactly("node");
    assertThat(a.waitMs()).as("default wait").isEqualTo(InhibitRule.DEFAULT_WAIT_MS);
    assertThat(a.mutes(node("n1"), service("n1", "warning"))).isTrue();
    Map<String, String> otherTenant = new java.util.TreeMap<>(service("n1", "warning"));
    otherTenant.put("tenant", "globex");
    assertThat(a.mutes(node("n1"), otherTenant)).isFalse();
    assertThat(InhibitRule.parseAll(null)).isEmpty();
    assertThat(InhibitRule.parseAll("not json")).isEmpty();
  }
}
