package io.vigil.jobs.demo;

import io.vigil.jobs.core.DeadLetter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** The demo's dead-letter sink: there is no Kafka in the demo, so dead letters are printed. */
final class DeadLetterPrintSink implements Sink<DeadLetter> {
  private static final long serialVersionUID = 1L;

  @Override
  public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(DeadLetter d, Context ctx) {
        System.out.println("  dead letter (" + d.stage() + "): " + d.reason());
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
