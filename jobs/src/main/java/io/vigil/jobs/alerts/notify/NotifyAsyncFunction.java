package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications off the task thread. Each channel has its own small executor, so a slow or
 * failing endpoint only delays its own channel; retries back off exponentially without holding a
 * thread; every attempt is recorded; a key already delivered (before a restart) is skipped.
 */
public class NotifyAsyncFunction
    extends RichAsyncFunction<NotificationRequest, NotificationResult> {
  private static final Logger LOG = LoggerFactory.getLogger(NotifyAsyncFunction.class);

  private final Map<String, ChannelConfig> channels;
  private final NotifyOptions options;
  private transient Map<String, Notifier> notifiers;
  private transient Map<String, ExecutorService> executors;
  private transient AttemptLog log;
  private transient Counter delivered;
  private transient Counter failed;

  public NotifyAsyncFunction(Map<String, ChannelConfig> channels, NotifyOptions options) {
    this.channels = Map.copyOf(channels);
    this.options = options;
  }

  @Override
  public void open(OpenContext ctx) {
    notifiers = new HashMap<>();
    executors = new HashMap<>();
    for (ChannelConfig c : channels.values()) {
      notifiers.put(c.name(), create(c, options.requestTimeout()));
      executors.put(c.name(), Executors.newFixedThreadPool(options.threadsPerChannel(), daemon(c)));
    }
    log = new AttemptLog(options.pgUrl(), options.pgUser(), options.pgPassword());
    delivered = getRuntimeContext().getMetricGroup().counter("notificationsDelivered");
    failed = getRuntimeContext().getMetricGroup().counter("notificationsFailed");
  }

  static Notifier create(ChannelConfig c, Duration timeout) {
    return switch (c.type()) {
      case WEBHOOK -> new WebhookNotifier(c, timeout);
      case SLACK -> new SlackNotifier(c, timeout);
      case PAGERDUTY -> new PagerDutyNotifier(c, timeout);
      case EMAIL -> new EmailNotifier(c, timeout);
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(ChannelConfig c) {
    return r -> {
      Thread t = new Thread(r, "vigil-notify-" + c.name());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void asyncInvoke(NotificationRequest req, ResultFuture<NotificationResult> result) {
    ExecutorService ex = executors.get(req.channel());
    if (ex == null) {
      result.complete(List.of(outcome(req, "unknown-channel", 0, "no channel " + req.channel())));
      return;
    }
    CompletableFuture.supplyAsync(
            () -> log.delivered(req.alert().idempotencyKey(), req.channel()), ex)
        .thenCompose(done -> done ? skip(req) : attempt(req, 1, ex))
        .whenComplete(
            (r, err) ->
                result.complete(
                    List.of(
                        err == null ? r : outcome(req, "failed", 0, err.getClass().getName()))));
  }

  private CompletableFuture<NotificationResult> skip(NotificationRequest req) {
    return CompletableFuture.completedFuture(outcome(req, "duplicate", 0, "already delivered"));
  }

  private CompletableFuture<NotificationResult> attempt(
      NotificationRequest req, int n, ExecutorService ex) {
    return CompletableFuture.supplyAsync(() -> deliver(req, n), ex)
        .thenCompose(
            d -> {
              if (d.ok()) {
                delivered.inc();
                return CompletableFuture.completedFuture(outcome(req, "delivered", n, d.detail()));
              }
              if (!d.retryable() || n >= options.maxAttempts()) {
                failed.inc();
                LOG.warn(
                    "notification to channel {} failed after {} attempt(s): {}",
                    req.channel(),
                    n,
                    d.detail());
                return CompletableFuture.completedFuture(outcome(req, "failed", n, d.detail()));
              }
              long backoff = options.backoff().toMillis() * (1L << Math.min(n - 1, 10));
              var later = CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS, ex);
              return CompletableFuture.supplyAsync(() -> null, later)
                  .thenCompose(x -> attempt(req, n + 1, ex));
            });
  }

  private Delivery deliver(NotificationRequest req, int n) {
    AlertTransition a = req.alert();
    Delivery d;
    try {
      d = notifiers.get(req.channel()).send(a);
    } catch (Exception e) {
      d = Delivery.error(e); // the class only: messages may carry URLs with tokens
    }
    log.record(a, req.channel(), n, d.ok() ? "delivered" : "failed", d);
    return d;
  }

  private static NotificationResult outcome(
      NotificationRequest req, String outcome, int attempts, String detail) {
    AlertTransition a = req.alert();
    return new NotificationResult(
        a.idempotencyKey(), req.channel(), a.alertId(), a.transition(), outcome, attempts, detail);
  }

  @Override
  public void timeout(NotificationRequest req, ResultFuture<NotificationResult> result) {
    failed.inc();
    result.complete(List.of(outcome(req, "timeout", 0, "gave up waiting")));
  }

  @Override
  public void close() {
    if (executors != null) {
      executors.values().forEach(ExecutorService::shutdownNow);
    }
    if (notifiers != null) {
      notifiers.values().forEach(Notifier::close);
    }
    if (log != null) {
      log.close();
    }
  }
}
