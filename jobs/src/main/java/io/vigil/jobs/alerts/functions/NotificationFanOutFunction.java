package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.alerts.notify.NotificationRequest;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** One notification request per channel of every transition that notifies. */
public class NotificationFanOutFunction
    implements FlatMapFunction<AlertTransition, NotificationRequest> {
  @Override
  public void flatMap(AlertTransition t, Collector<NotificationRequest> out) {
    if (t.notifies()) {
      for (String channel : t.channels()) {
        out.collect(new NotificationRequest(channel, t));
      }
    }
  }
}
