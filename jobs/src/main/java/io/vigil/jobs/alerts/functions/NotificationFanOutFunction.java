package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.alerts.notify.NotificationRequest;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One notification request per channel of every transition that notifies. A transition of a rule
 * that groups its notifications goes to {@link #GROUPED} when grouping is on (an unbounded job), to
 * be collected by {@link NotificationGroupFunction}.
 */
public class NotificationFanOutFunction
    extends ProcessFunction<AlertTransition, NotificationRequest> {
  public static final OutputTag<NotificationRequest> GROUPED =
      new OutputTag<>("grouped-notifications", TypeInformation.of(NotificationRequest.class)) {};

  private final boolean grouping;

  /**
   * @param grouping false in a bounded run, whose end would drop the groups still waiting (their
   *     timers are in processing time): every transition is then notified on its own
   */
  public NotificationFanOutFunction(boolean grouping) {
    this.grouping = grouping;
  }

  @Override
  public void processElement(AlertTransition t, Context ctx, Collector<NotificationRequest> out) {
    if (!t.notifies()) {
      return;
    }
    for (String channel : t.channels()) {
      NotificationRequest r = new NotificationRequest(channel, t, List.of());
      if (grouping && !t.group().isEmpty()) {
        ctx.output(GROUPED, r);
      } else {
        out.collect(r);
      }
    }
  }
}
