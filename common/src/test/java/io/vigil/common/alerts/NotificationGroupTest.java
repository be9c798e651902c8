package io.vigil.common.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.rules.AlertRule;
import io.vigil.common.rules.RuleCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Groups of a rule's notifications: their keys, idempotency and the webhook body of a group. */
class NotificationGroupTest {
  static final AlertRule RULE =
      RuleCodec.listFromJson(
              "[{\"id\":\"r1\",\"name\":\"disk full\",\"condition\":{\"kind\":\"threshold\","
                  + "\"op\":\"gt\",\"value\":95},\"group_by\":[\"region\"],\"group_wait\":\"30s\"}]")
          .get(0);

  static AlertTransition t(String source, String region, AlertStatus status, long at) {
    return new AlertTransition(
        "id-" + source,
        "fp-" + source,
        "r1",
        "disk full",
        "high",
        status,
        status == AlertStatus.RESOLVED ? "resolved" : "firing",
        true,
        "key-" + source + status,
        1_000,
        0,
        at,
        99,
        Map.of("tenant", "acme", "source", source, "region", region, "alertname", "disk full"),
        Map.of("summary", "disk full: disk gt 95.0", "description", "disk at " + source),
        List.of("hook"),
        NotificationGroup.key(RULE, Map.of("tenant", "acme", "region", region)),
        30_000,
        300_000);
  }

  @Test
  void aRuleWithGroupWaitGroupsByTenantAndItsLabelsWithAFiveMinuteDefaultInterval() {
    assertThat(RULE.grouped()).isTrue();
    assertThat(RULE.groupIntervalMs()).isEqualTo(AlertRule.DEFAULT_GROUP_INTERVAL_MS);
    String eu = NotificationGroup.key(RULE, Map.of("tenant", "acme", "region", "eu", "x", "1"));
    assertThat(eu)
        .isEqualTo(NotificationGroup.key(RULE, Map.of("region", "eu", "tenant", "acme", "x", "2")))
        .isNotEqualTo(NotificationGroup.key(RULE, Map.of("tenant", "acme", "region", "us")))
        .isNotEqualTo(NotificationGroup.key(RULE, Map.of("tenant", "globex", "region", "eu")));
    assertThat(NotificationGroup.labels(eu))
        .containsExactly(Map.entry("region", "eu"), Map.entry("tenant", "acme"));
  }

  @Test
  void theSameMembersAreTheSameNotificationWhateverTheirOrder() {
    var a = t("web-1", "eu", AlertStatus.FIRING, 1);
    var b = t("web-2", "eu", AlertStatus.FIRING, 2);
    assertThat(NotificationGroup.idempotencyKey(a.group(), List.of(a, b)))
        .isEqualTo(NotificationGroup.idempotencyKey(a.group(), List.of(b, a)))
        .isNotEqualTo(NotificationGroup.idempotencyKey(a.group(), List.of(a)));
    assertThat(NotificationGroup.ordered(List.of(b, a))).containsExactly(a, b);
  }

  @Test
  void theWebhookBodyListsEveryMemberWithWhatTheyShare() throws Exception {
    var a = t("web-1", "eu", AlertStatus.FIRING, 1);
    var b = t("web-2", "eu", AlertStatus.RESOLVED, 2);
    JsonNode body =
        AlertJsonCodec.mapper()
            .readTree(AlertJsonCodec.groupWebhookBody(a.group(), List.of(a, b), "hook"));
    assertThat(body.path("status").asText()).as("firing while any member is").isEqualTo("firing");
    assertThat(body.path("alerts")).hasSize(2);
    assertThat(body.at("/alerts/1/status").asText()).isEqualTo("resolved");
    assertThat(body.path("groupLabels").toString())
        .isEqualTo("{\"alertname\":\"disk full\",\"region\":\"eu\",\"tenant\":\"acme\"}");
    assertThat(body.at("/commonLabels/region").asText()).isEqualTo("eu");
    assertThat(body.path("commonLabels").has("source")).as("differs between members").isFalse();
    assertThat(body.at("/commonAnnotations/summary").asText()).isEqualTo("disk full: disk gt 95.0");
    assertThat(body.path("commonAnnotations").has("description")).isFalse();
    assertThat(NotificationGroup.title(List.of(a, b))).isEqualTo("[FIRING:1] disk full");
    assertThat(NotificationGroup.title(List.of(b))).isEqualTo("[RESOLVED:1] disk full");
    assertThat(NotificationGroup.lines(List.of(a, b, a), 2))
        .containsExactly(
            "[FIRING] web-1/: disk full: disk gt 95.0 - disk at web-1",
            "[RESOLVED] web-2/: disk full: disk gt 95.0 - disk at web-2",
            "... and 1 more");
  }
}
