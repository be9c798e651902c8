package io.vigil.jobs.alerts.incoming;

import io.vigil.common.alerts.IncomingAlert;
import io.vigil.common.codec.AlertmanagerCodec;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes Alertmanager notifications from Kafka into alerts; each unusable alert of a notification
 * becomes a counted dead letter with its reason (and the whole notification), the others go on.
 */
public final class ParseIncomingAlertsFunction extends ProcessFunction<RawRecord, IncomingAlert> {
  private static final long serialVersionUID = 1L;
  private final AlertmanagerCodec codec;
  private final OutputTag<DeadLetter> deadLetters;
  private transient Counter rejected;
  private transient Counter received;

  public ParseIncomingAlertsFunction(String defaultTenant, OutputTag<DeadLetter> deadLetters) {
    this.codec = new AlertmanagerCodec(defaultTenant);
    this.deadLetters = deadLetters;
  }

  @Override
  public void open(OpenContext openContext) {
    var group = getRuntimeContext().getMetricGroup().addGroup("vigil");
    rejected = group.counter("deadLetters");
    received = group.counter("alertmanagerAlerts");
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<IncomingAlert> out) {
    AlertmanagerCodec.Result r = codec.decode(raw.value(), raw.kafkaTimestamp());
    for (IncomingAlert a : r.alerts()) {
      received.inc();
      out.collect(a);
    }
    for (String error : r.errors()) {
      rejected.inc();
      ctx.output(
          deadLetters,
          new DeadLetter(
              "alertmanager",
              error,
              raw.topic(),
              raw.partition(),
              raw.offset(),
              raw.kafkaTimestamp(),
              raw.value()));
    }
  }
}
