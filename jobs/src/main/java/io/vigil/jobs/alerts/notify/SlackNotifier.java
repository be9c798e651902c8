package io.vigil.jobs.alerts.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.NotificationGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Slack incoming webhook: a text message with the alert name, status and summary. Slack has no
 * idempotency key; the key is in the message so duplicates are at least recognisable.
 */
public class SlackNotifier implements Notifier {
  private final ChannelConfig channel;
  private final HttpPoster http;

  public SlackNotifier(ChannelConfig channel, Duration timeout) {
    this.channel = channel;
    this.http = new HttpPoster(timeout);
  }

  @Override
  public Delivery send(AlertTransition a) throws Exception {
    String icon = a.status() == AlertStatus.RESOLVED ? ":white_check_mark:" : ":rotating_light:";
    String text =
        String.format(
            "%s *[%s] %s* (%s)%n%s%n%s%s`%s` key %s",
            icon,
            a.transition().toUpperCase(),
            a.ruleName(),
            a.severity(),
            a.annotations().getOrDefault("summary", ""),
            a.annotations().containsKey("description")
                ? "> " + a.annotations().get("description") + "\n"
                : "",
            a.annotations().containsKey("runbook_url")
                ? "<" + a.annotations().get("runbook_url") + "|Runbook>\n"
                : "",
            a.fingerprint(),
            a.idempotencyKey());
    return post(text, a.idempotencyKey());
  }

  /** One message for the group: its headline, a line per alert (at most 10), the runbook. */
  @Override
  public Delivery sendGroup(String group, List<AlertTransition> members) throws Exception {
    String key = NotificationGroup.idempotencyKey(group, members);
    AlertTransition first = members.get(0);
    String runbook = first.annotations().get("runbook_url");
    String text =
        String.format(
            "%s *%s* (%s)%n%s%n%s`group` key %s",
            NotificationGroup.firing(members) ? ":rotating_light:" : ":white_check_mark:",
            NotificationGroup.title(members),
            first.severity(),
            String.join("\n", NotificationGroup.lines(members, 10)),
            runbook == null ? "" : "<" + runbook + "|Runbook>\n",
            key);
    return post(text, key);
  }

  private Delivery post(String text, String key) throws Exception {
    ObjectNode body = AlertJsonCodec.mapper().createObjectNode();
    body.put("text", text);
    return http.post(
        channel.url(),
        body.toString(),
        Map.of(io.vigil.common.alerts.WebhookSignature.IDEMPOTENCY_HEADER, key));
  }
}
