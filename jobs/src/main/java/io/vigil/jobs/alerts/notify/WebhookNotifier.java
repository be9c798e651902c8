package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.WebhookSignature;
import java.time.Duration;
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
    String body = AlertJsonCodec.webhookBody(a, channel.name());
    String ts = Long.toString(a.at() / 1000);
    Map<String, String> headers =
        channel.secret() == null || channel.secret().isEmpty()
            ? Map.of(WebhookSignature.IDEMPOTENCY_HEADER, a.idempotencyKey())
            : Map.of(
                WebhookSignature.IDEMPOTENCY_HEADER, a.idempotencyKey(),
                WebhookSignature.TIMESTAMP_HEADER, ts,
                WebhookSignature.SIGNATURE_HEADER,
                    WebhookSignature.sign(channel.secret(), ts, body));
    return http.post(channel.url(), body, headers);
  }
}
