package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.NotificationGroup;
import io.vigil.jobs.alerts.notify.NotificationRequest;
import io.vigil.jobs.core.VigilMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Collects the notifications of one group on one channel (keyed by {@link #key}) and sends them as
 * one, as Alertmanager does: a new group waits {@code group_wait} for the alerts that fire with the
 * first, later changes go out together at most every {@code group_interval}. The waits are in
 * processing time (they pace people, not data); the pending members are keyed state, so a restart
 * sends them after the restore, and the notifier skips the members already delivered before it.
 */
public class NotificationGroupFunction
    extends KeyedProcessFunction<String, NotificationRequest, NotificationRequest> {
  static final ValueStateDescriptor<List<AlertTransition>> PENDING =
      new ValueStateDescriptor<>(
          "group-pending", Types.LIST(TypeInformation.of(AlertTransition.class)));
  static final ValueStateDescriptor<Long> FLUSH_AT =
      new ValueStateDescriptor<>("group-flush-at", Types.LONG);
  static final ValueStateDescriptor<Long> LAST_FLUSH =
      new ValueStateDescriptor<>("group-last-flush", Types.LONG);
  static final ValueStateDescriptor<Long> INTERVAL =
      new ValueStateDescriptor<>("group-interval", Types.LONG);

  private transient ValueState<List<AlertTransition>> pending;
  private transient ValueState<Long> flushAt;
  private transient ValueState<Long> lastFlush;
  private transient ValueState<Long> interval;
  private transient Counter groups;
  private transient Counter grouped;

  /** The key: the channel and the group (a group is notified on each of its rule's channels). */
  public static String key(NotificationRequest r) {
    return r.channel() + "\n" + r.alert().group();
  }

  @Override
  public void open(OpenContext ctx) {
    pending = getRuntimeContext().getState(PENDING);
    flushAt = getRuntimeContext().getState(FLUSH_AT);
    lastFlush = getRuntimeContext().getState(LAST_FLUSH);
    interval = getRuntimeContext().getState(INTERVAL);
    groups = VigilMetrics.of(getRuntimeContext()).counter("groupNotifications");
    grouped = VigilMetrics.of(getRuntimeContext()).counter("groupedTransitions");
  }

  @Override
  public void processElement(NotificationRequest r, Context ctx, Collector<NotificationRequest> out)
      throws Exception {
    AlertTransition a = r.alert();
    List<AlertTransition> p = pending.value() == null ? new ArrayList<>() : pending.value();
    p.add(a);
    pending.update(p);
    interval.update(a.groupIntervalMs());
    grouped.inc();
    if (flushAt.value() == null) {
      long now = ctx.timerService().currentProcessingTime();
      Long last = lastFlush.value();
      long at = last == null ? now + a.groupWaitMs() : Math.max(now, last + a.groupIntervalMs());
      flushAt.update(at);
      ctx.timerService().registerProcessingTimeTimer(at);
    }
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<NotificationRequest> out)
      throws Exception {
    Long at = flushAt.value();
    if (at != null && ts >= at) {
      List<AlertTransition> members = NotificationGroup.ordered(pending.value());
      String channel = ctx.getCurrentKey().substring(0, ctx.getCurrentKey().indexOf('\n'));
      out.collect(new NotificationRequest(channel, members.get(0), members));
      groups.inc();
      pending.clear();
      flushAt.clear();
      lastFlush.update(ts);
      // forgets the group once an interval has passed without news: the next alert waits again
      ctx.timerService().registerProcessingTimeTimer(ts + interval.value());
      return;
    }
    Long last = lastFlush.value();
    if (at == null && last != null && ts >= last + interval.value()) {
      lastFlush.clear();
      interval.clear();
    }
  }
}
