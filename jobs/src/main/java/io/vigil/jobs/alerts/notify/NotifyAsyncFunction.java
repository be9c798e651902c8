package io.vigil.jobs.alerts.notify;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.core.VigilMetrics;
import io.vigil.jobs.db.Postgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications off the task thread. Each channel has its own small executor, so a slow or
 * failing endpoint only delays its own channel; retries back off exponentially without holding a
 * thread; every attempt is recorded; a key already delivered (before a restart) is skipped.
 *
 * <p>Channels come from two places: the channels file ({@code alerting.channels-file}, global,
 * fixed for the job's life) and the tenants' rows in PostgreSQL ({@code notification_channels},
 * re-read every {@code refreshInterval}, so a channel added or changed there is used without a
 * restart). A rule's channel name is looked up as the rule tenant's row first, then in the file.
 */
public class NotifyAsyncFunction
    extends RichAsyncFunction<NotificationRequest, NotificationResult> {
  private static final Logger LOG = LoggerFactory.getLogger(NotifyAsyncFunction.class);

  private final Map<String, ChannelConfig> channels;
  private final NotifyOptions options;
  private final Duration refreshInterval;
  private transient Map<String, Channel> fileChannels;
  private transient volatile Map<String, Channel> tenantChannels;
  private transient volatile Map<String, String> invalidChannels;
  private transient ScheduledExecutorService refresher;
  private transient volatile long lastRefresh;
  private transient Connection channelsDb;
  private transient AttemptLog log;
  private transient Counter delivered;
  private transient Counter failed;

  /** A channel ready to deliver: its settings, its notifier and its own executor. */
  private record Channel(ChannelConfig config, Notifier notifier, ExecutorService executor) {}

  /**
   * @param channels the channels file's channels, by name
   * @param refreshInterval how often {@code notification_channels} is re-read
   */
  public NotifyAsyncFunction(
      Map<String, ChannelConfig> channels, NotifyOptions options, Duration refreshInterval) {
    this.channels = Map.copyOf(channels);
    this.options = options;
    this.refreshInterval = refreshInterval;
  }

  @Override
  public void open(OpenContext ctx) {
    fileChannels = new HashMap<>();
    for (ChannelConfig c : channels.values()) {
      fileChannels.put(c.name(), channel(c));
    }
    tenantChannels = Map.of();
    invalidChannels = Map.of();
    log = new AttemptLog(options.pgUrl(), options.pgUser(), options.pgPassword());
    var metrics = VigilMetrics.of(getRuntimeContext());
    delivered = metrics.counter("notificationsDelivered");
    failed = metrics.counter("notificationsFailed");
    metrics.gauge("tenantChannels", (Gauge<Integer>) () -> tenantChannels.size());
    metrics.gauge("invalidTenantChannels", (Gauge<Integer>) () -> invalidChannels.size());
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-notify-channels");
              t.setDaemon(true);
              return t;
            });
    refreshTenantChannels(); // before the first request, so the first alerts find their channel
    long every = Math.max(refreshInterval.toMillis(), 100);
    refresher.scheduleWithFixedDelay(
        this::refreshTenantChannels, every, every, TimeUnit.MILLISECONDS);
  }

  private Channel channel(ChannelConfig c) {
    // Idle threads end by themselves, so a retired channel's executor is never shut down under a
    // delivery or a pending retry that still uses it.
    int n = options.threadsPerChannel();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon(c));
    executor.allowCoreThreadTimeOut(true);
    return new Channel(c, create(c, options.requestTimeout()), executor);
  }

  /**
   * Re-reads {@code notification_channels} over one kept connection. Unchanged channels keep their
   * notifier and executor; a changed or removed one is retired: requests already on it finish
   * (retries included), new ones go to the new settings. If PostgreSQL can't be read, the channels
   * read before stay in use.
   */
  synchronized void refreshTenantChannels() {
    lastRefresh = System.nanoTime();
    ChannelsTable.Loaded loaded;
    try {
      if (channelsDb == null || channelsDb.isClosed()) {
        channelsDb = Postgres.connect(options.pgUrl(), options.pgUser(), options.pgPassword());
      }
      loaded = ChannelsTable.load(channelsDb, System.getenv());
    } catch (Exception e) {
      LOG.warn(
          "can't read notification_channels, keeping the {} channel(s) read before: {}",
          tenantChannels.size(),
          e.toString());
      closeChannelsDb();
      return;
    }
    Map<String, Channel> before = tenantChannels;
    Map<String, Channel> next = new HashMap<>();
    loaded
        .channels()
        .forEach(
            (key, config) -> {
              Channel old = before.get(key);
              next.put(key, old != null && old.config().equals(config) ? old : channel(config));
            });
    tenantChannels = Map.copyOf(next);
    before.forEach(
        (key, old) -> {
          if (next.get(key) != old) {
            retire(old);
          }
        });
    if (!next.keySet().equals(before.keySet())) {
      LOG.info("notification channels from PostgreSQL: {}", new java.util.TreeSet<>(next.keySet()));
    }
    if (!loaded.invalid().equals(invalidChannels)) {
      loaded
          .invalid()
          .forEach((key, why) -> LOG.warn("notification channel {} is not usable: {}", key, why));
    }
    invalidChannels = loaded.invalid();
  }

  /** Closes a retired channel's notifier once every request that may still use it has ended. */
  private void retire(Channel c) {
    refresher.schedule(
        c.notifier()::close, options.overallTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void closeChannelsDb() {
    if (channelsDb != null) {
      try {
        channelsDb.close();
      } catch (java.sql.SQLException ignored) {
        // a broken connection is dropped either way
      }
      channelsDb = null;
    }
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
    String key = ChannelsTable.key(req.alert().labels().get("tenant"), req.channel());
    Channel ch = lookup(key, req.channel());
    if (ch != null) {
      send(req, ch, result);
      return;
    }
    // A channel created just before the rule that names it: read the table again before giving
    // up (at most once a second, off the task thread).
    CompletableFuture.runAsync(this::refreshIfStale, refresher)
        .whenComplete(
            (x, err) -> {
              Channel again = lookup(key, req.channel());
              if (again != null) {
                send(req, again, result);
                return;
              }
              String why = invalidChannels.get(key);
              String detail = why == null ? "no channel " + req.channel() : "unusable: " + why;
              failed.inc();
              // in the attempt log too, so the alert's page shows why nobody was notified
              for (AlertTransition a : alerts(req)) {
                log.record(a, req.channel(), 1, "failed", new Delivery(false, false, 0, detail));
              }
              result.complete(
                  why == null
                      ? outcomes(req, "unknown-channel", 0, detail)
                      : outcomes(req, "invalid-channel", 0, why));
            });
  }

  private Channel lookup(String key, String name) {
    Channel ch = tenantChannels.get(key);
    return ch != null ? ch : fileChannels.get(name);
  }

  private void refreshIfStale() {
    if (System.nanoTime() - lastRefresh > TimeUnit.SECONDS.toNanos(1)) {
      refreshTenantChannels();
    }
  }

  /**
   * Sends what was not delivered yet: a transition already delivered (a replay after a restore) is
   * a duplicate; of a group, only the members not delivered before are sent, as one notification.
   */
  private void send(NotificationRequest req, Channel c, ResultFuture<NotificationResult> result) {
    ExecutorService ex = c.executor();
    CompletableFuture.supplyAsync(() -> undelivered(req), ex)
        .thenCompose(
            fresh -> {
              List<NotificationResult> out = new ArrayList<>();
              for (AlertTransition a : alerts(req)) {
                if (!fresh.contains(a)) {
                  out.add(outcome(req.channel(), a, "duplicate", 0, "already delivered"));
                }
              }
              if (fresh.isEmpty()) {
                return CompletableFuture.completedFuture(out);
              }
              NotificationRequest todo =
                  req.grouped() ? new NotificationRequest(req.channel(), fresh.get(0), fresh) : req;
              return attempt(todo, c, 1)
                  .thenApply(
                      rs -> {
                        out.addAll(rs);
                        return out;
                      });
            })
        .whenComplete(
            (rs, err) ->
                result.complete(
                    err == null ? rs : outcomes(req, "failed", 0, err.getClass().getName())));
  }

  private List<AlertTransition> undelivered(NotificationRequest req) {
    List<AlertTransition> out = new ArrayList<>();
    for (AlertTransition a : alerts(req)) {
      if (!log.delivered(a.idempotencyKey(), req.channel())) {
        out.add(a);
      }
    }
    return out;
  }

  /** The transitions a request notifies: the one, or the group's members. */
  private static List<AlertTransition> alerts(NotificationRequest req) {
    return req.grouped() ? req.members() : List.of(req.alert());
  }

  private CompletableFuture<List<NotificationResult>> attempt(
      NotificationRequest req, Channel c, int n) {
    ExecutorService ex = c.executor();
    return CompletableFuture.supplyAsync(() -> deliver(req, c, n), ex)
        .thenCompose(
            d -> {
              if (d.ok()) {
                delivered.inc();
                return CompletableFuture.completedFuture(outcomes(req, "delivered", n, d.detail()));
              }
              if (!d.retryable() || n >= options.maxAttempts()) {
                failed.inc();
                LOG.warn(
                    "notification to channel {} failed after {} attempt(s): {}",
                    req.channel(),
                    n,
                    d.detail());
                return CompletableFuture.completedFuture(outcomes(req, "failed", n, d.detail()));
              }
              long backoff = options.backoff().toMillis() * (1L << Math.min(n - 1, 10));
              var later = CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS, ex);
              return CompletableFuture.supplyAsync(() -> null, later)
                  .thenCompose(x -> attempt(req, c, n + 1));
            });
  }

  private Delivery deliver(NotificationRequest req, Channel c, int n) {
    Delivery d;
    try {
      d =
          req.grouped()
              ? c.notifier().sendGroup(req.alert().group(), req.members())
              : c.notifier().send(req.alert());
    } catch (Exception e) {
      d = Delivery.error(e); // the class only: messages may carry URLs with tokens
    }
    // one row per transition, so each one's delivery is known (and deduped) on its own
    for (AlertTransition a : alerts(req)) {
      log.record(a, req.channel(), n, d.ok() ? "delivered" : "failed", d);
    }
    return d;
  }

  /** One result per transition of the request. */
  private static List<NotificationResult> outcomes(
      NotificationRequest req, String outcome, int attempts, String detail) {
    List<NotificationResult> out = new ArrayList<>();
    for (AlertTransition a : alerts(req)) {
      out.add(outcome(req.channel(), a, outcome, attempts, detail));
    }
    return out;
  }

  private static NotificationResult outcome(
      String channel, AlertTransition a, String outcome, int attempts, String detail) {
    return new NotificationResult(
        a.idempotencyKey(), channel, a.alertId(), a.transition(), outcome, attempts, detail);
  }

  @Override
  public void timeout(NotificationRequest req, ResultFuture<NotificationResult> result) {
    failed.inc();
    result.complete(outcomes(req, "timeout", 0, "gave up waiting"));
  }

  @Override
  public void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
    for (Map<String, Channel> m : java.util.Arrays.asList(fileChannels, tenantChannels)) {
      if (m != null) {
        m.values().forEach(c -> c.executor().shutdownNow());
        m.values().forEach(c -> c.notifier().close());
      }
    }
    if (log != null) {
      log.close();
    }
    closeChannelsDb();
  }
}
