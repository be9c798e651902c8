package io.vigil.jobs.alerts.notify;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One configured notification channel. {@code secret} is the webhook HMAC key, the PagerDuty
 * routing key or the SMTP password; it is read from the environment at start-up and never printed:
 * {@link #toString()} masks it and the URL (Slack webhook URLs embed their token).
 *
 * @param url webhook, Slack or PagerDuty Events API URL; for EMAIL {@code smtp://host:port}
 * @param user SMTP user (EMAIL), may be null
 * @param from sender address (EMAIL)
 * @param to recipient addresses (EMAIL)
 */
public record ChannelConfig(
    String name,
    ChannelType type,
    String url,
    String secret,
    String user,
    String from,
    List<String> to)
    implements Serializable {

  public ChannelConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "channel " + name + " needs a url");
    to = to == null ? List.of() : List.copyOf(to);
  }

  public static ChannelConfig webhook(String name, String url, String secret) {
    return new ChannelConfig(name, ChannelType.WEBHOOK, url, secret, null, null, null);
  }

  public static ChannelConfig slack(String name, String url) {
    return new ChannelConfig(name, ChannelType.SLACK, url, null, null, null, null);
  }

  public static ChannelConfig pagerDuty(String name, String url, String routingKey) {
    return new ChannelConfig(name, ChannelType.PAGERDUTY, url, routingKey, null, null, null);
  }

  public static ChannelConfig email(
      String name, String smtpUrl, String user, String password, String from, List<String> to) {
    return new ChannelConfig(name, ChannelType.EMAIL, smtpUrl, password, user, from, to);
  }

  @Override
  public String toString() {
    return "ChannelConfig[name=" + name + ", type=" + type + ", url=***, secret=***]";
  }
}
