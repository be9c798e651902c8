package io.vigil.jobs.alerts.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertStatus;
import io.vigil.common.alerts.AlertTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * PagerDuty Events API v2: trigger, acknowledge and resolve with {@code dedup_key} = the alert
 * fingerprint, so PagerDuty folds repeats of one alert into one incident.
 */
public class PagerDutyNotifier implements Notifier {
  /** The public Events API v2 endpoint, used when a channel names no URL of its own. */
  public static final String EVENTS_V2 = "https://events.pagerduty.com/v2/enqueue";

  private final ChannelConfig channel;
  private final HttpPoster http;

  public PagerDutyNotifier(ChannelConfig channel, Duration timeout) {
    this.channel = channel;
    this.http = new HttpPoster(timeout);
  }

  @Override
  public Delivery send(AlertTransition a) throws Exception {
    return http.post(
        channel.url(),
        body(a, channel.secret()).toString(),
        Map.of(io.vigil.common.alerts.WebhookSignature.IDEMPOTENCY_HEADER, a.idempotencyKey()));
  }

  /** The Events v2 body: trigger (with payload and runbook link), acknowledge or resolve. */
  static ObjectNode body(AlertTransition a, String routingKey) {
    ObjectNode body = AlertJsonCodec.mapper().createObjectNode();
    body.put("routing_key", routingKey);
    body.put("event_action", action(a.status()));
    body.put("dedup_key", a.fingerprint());
    if (a.status() != AlertStatus.RESOLVED && a.status() != AlertStatus.ACKNOWLEDGED) {
      ObjectNode p = body.putObject("payload");
      p.put("summary", summary(a));
      p.put("source", a.labels().getOrDefault("source", "vigil"));
      p.put("severity", severity(a.severity()));
      p.put("timestamp", Instant.ofEpochMilli(a.startsAt()).toString());
      p.set("custom_details", AlertJsonCodec.alert(a));
      String runbook = a.annotations().get("runbook_url");
      if (runbook != null) {
        body.putArray("links").addObject().put("href", runbook).put("text", "Runbook");
      }
    }
    return body;
  }

  /** PagerDuty's summary (at most 1024 characters): the alert's summary, then why it fired. */
  static String summary(AlertTransition a) {
    String s = a.annotations().getOrDefault("summary", a.ruleName());
    String why = a.annotations().get("description");
    if (why != null) {
      s = s + " - " + why;
    }
    return s.length() <= 1024 ? s : s.substring(0, 1021) + "...";
  }

  static String action(AlertStatus s) {
    return switch (s) {
      case RESOLVED -> "resolve";
      case ACKNOWLEDGED -> "acknowledge";
      default -> "trigger";
    };
  }

  static String severity(String vigil) {
    return switch (vigil) {
      case "critical" -> "critical";
      case "high" -> "error";
      case "medium" -> "warning";
      default -> "info";
    };
  }
}
