package io.vigil.jobs.alerts.testing;

import io.vigil.jobs.alerts.notify.NotificationResult;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Collects notification results in a static queue (the MiniCluster runs in the test JVM). */
public final class CollectingSink implements Sink<NotificationResult> {
  public static final Queue<NotificationResult> RESULTS = new ConcurrentLinkedQueue<>();

  @Override
  public SinkWriter<NotificationResult> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(NotificationResult r, Context c) {
        RESULTS.add(r);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
