package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.NotificationGroup;
import io.vigil.common.alerts.WebhookSignature;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Generic webhook: an Alertmanager-shaped JSON body, an HMAC-SHA256 signature header over timestamp
 * and body, and the idempotency key so receivers can drop redeliveries.
 */
public class WebhookNotifier implements Notifier {
  private final ChannelConfig channel;
  private final HttpPoster http;

  public WebhookNotifier(ChannelConfig channel, Duration timeout) {
    this.channel = channel;
    this.http = new HttpPoster(timeout);
  }

  @Override
  public Delivery send(AlertTransition a) throws Exception {
    return post(AlertJsonCodec.webhookBody(a, channel.name()), a.idempotencyKey(), a.at());
  }

  /** One body for the group: every member in {@code alerts}, as Alertmanager sends a group. */
  @Override
  public Delivery sendGroup(String group, List<AlertTransition> members) throws Exception {
    return post(
        AlertJsonCodec.groupWebhookBody(group, members, channel.name()),
        NotificationGroup.idempotencyKey(group, members),
        members.stream().mapToLong(AlertTransition::at).max().orElse(0));
  }

  private Delivery post(String body, String key, long at) throws Exception {
    String ts = Long.toString(at / 1000);
    Map<String, String> headers =
        channel.secret() == null || channel.secret().isEmpty()
            ? Map.of(WebhookSignature.IDEMPOTENCY_HEADER, key)
            : Map.of(
                WebhookSignature.IDEMPOTENCY_HEADER, key,
                WebhookSignature.TIMESTAMP_HEADER, ts,
                WebhookSignature.SIGNATURE_HEADER,
                    WebhookSignature.sign(channel.secret(), ts, body));
    return http.post(channel.url(), body, headers);
  }
}
