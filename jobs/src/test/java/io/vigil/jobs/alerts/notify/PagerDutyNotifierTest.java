package io.vigil.jobs.alerts.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the person paged reads first: PagerDuty's summary says the alert and why it fired. */
class PagerDutyNotifierTest {
  static AlertTransition firing(Map<String, String> annotations) {
    return new AlertTransition(
        "id",
        "fp",
        "r1",
        "critical anomaly",
        "critical",
        AlertStatus.FIRING,
        "firing",
        true,
        "key",
        1_000,
        0,
        1_000,
        1.0,
        Map.of("source", "billing"),
        annotations,
        List.of("pd"),
        "",
        0,
        0);
  }

  @Test
  void aTriggerLinksTheRunbookAndAResolveCarriesOnlyTheKey() {
    var trigger =
        PagerDutyNotifier.body(
            firing(Map.of("summary", "s", "runbook_url", "https://runbooks.example.com/billing")),
            "rk");
    assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
    assertThat(trigger.at("/links/0/href").asText())
        .isEqualTo("https://runbooks.example.com/billing");
    assertThat(trigger.at("/links/0/text").asText()).isEqualTo("Runbook");
    assertThat(PagerDutyNotifier.body(firing(Map.of("summary", "s")), "rk").has("links")).isFalse();
  }

  @Test
  void theSummaryEndsWithWhyAndStaysWithinPagerDutysLimit() {
    assertThat(
            PagerDutyNotifier.summary(
                firing(
                    Map.of(
                        "summary", "critical anomaly: anomaly (score 1.0)",
                        "description", "no log events for 5 min"))))
        .isEqualTo("critical anomaly: anomaly (score 1.0) - no log events for 5 min");
    assertThat(PagerDutyNotifier.summary(firing(Map.of("summary", "cpu high: cpu gt 90.0"))))
        .isEqualTo("cpu high: cpu gt 90.0");
    assertThat(PagerDutyNotifier.summary(firing(Map.of())))
        .as("no summary: the rule's name")
        .isEqualTo("critical anomaly");
    String longWhy = "y".repeat(3_000);
    assertThat(PagerDutyNotifier.summary(firing(Map.of("summary", "s", "description", longWhy))))
        .hasSize(1024)
        .endsWith("...");
  }
}
