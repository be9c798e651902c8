package io.vigil.jobs.alerts.testing;

import io.vigil.common.rules.RuleEvent;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Collects the rule events the CEP operators dropped as late in a static queue (the MiniCluster
 * runs in the test JVM).
 */
public final class LateEventSink implements Sink<RuleEvent> {
  public static final Queue<RuleEvent> EVENTS = new ConcurrentLinkedQueue<>();

  @Override
  public SinkWriter<RuleEvent> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(RuleEvent e, Context c) {
        EVENTS.add(e);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
