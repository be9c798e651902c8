package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.Fingerprint;
import io.vigil.common.alerts.NotificationGroup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * Email over SMTP (Jakarta Mail). The Message-ID is derived from the idempotency key, so a
 * redelivered notification is recognisable as the same message.
 */
public class EmailNotifier implements Notifier {
  private final ChannelConfig channel;
  private final Session session;

  public EmailNotifier(ChannelConfig channel, Duration timeout) {
    this.channel = channel;
    URI smtp = URI.create(channel.url());
    Properties p = new Properties();
    p.put("mail.smtp.host", smtp.getHost());
    p.put("mail.smtp.port", Integer.toString(smtp.getPort() > 0 ? smtp.getPort() : 25));
    p.put("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.timeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
    p.put("mail.smtp.auth", Boolean.toString(channel.user() != null));
    p.put("mail.smtp.starttls.enable", Boolean.toString("smtps".equals(smtp.getScheme())));
    this.session = Session.getInstance(p);
  }

  @Override
  public Delivery send(AlertTransition a) throws Exception {
    return mail(
        a.idempotencyKey(),
        "[" + a.transition().toUpperCase() + "] " + a.ruleName() + " (" + a.severity() + ")",
        a.fingerprint(),
        a.annotations().getOrDefault("summary", a.ruleName())
            + (a.annotations().containsKey("description")
                ? "\n" + a.annotations().get("description")
                : "")
            + (a.annotations().containsKey("runbook_url")
                ? "\nrunbook: " + a.annotations().get("runbook_url")
                : "")
            + "\n\nstatus: "
            + a.status().dbName()
            + "\nstarted: "
            + Instant.ofEpochMilli(a.startsAt())
            + "\nlabels: "
            + a.labels()
            + "\nfingerprint: "
            + a.fingerprint()
            + "\n");
  }

  /** One mail for the group: the headline as subject, a line per alert (at most 50). */
  @Override
  public Delivery sendGroup(String group, List<AlertTransition> members) throws Exception {
    AlertTransition first = members.get(0);
    String runbook = first.annotations().get("runbook_url");
    return mail(
        NotificationGroup.idempotencyKey(group, members),
        NotificationGroup.title(members) + " (" + first.severity() + ")",
        Fingerprint.sha256Hex(group),
        String.join("\n", NotificationGroup.lines(members, 50))
            + (runbook == null ? "" : "\nrunbook: " + runbook)
            + "\n");
  }

  private Delivery mail(String key, String subject, String fingerprint, String text)
      throws Exception {
    MimeMessage m =
        new MimeMessage(session) {
          @Override
          protected void updateMessageID() throws jakarta.mail.MessagingException {
            setHeader("Message-ID", "<" + key + "@vigil>");
          }
        };
    m.setFrom(new InternetAddress(channel.from()));
    for (String to : channel.to()) {
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
    }
    m.setSubject(subject);
    m.setHeader("X-Vigil-Fingerprint", fingerprint);
    m.setHeader("X-Vigil-Idempotency-Key", key);
    m.setText(text);
    if (channel.user() != null) {
      Transport.send(m, channel.user(), channel.secret());
    } else {
      Transport.send(m);
    }
    return new Delivery(true, false, 250, "smtp accepted");
  }
}
