package io.vigil.jobs.sink;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a stateful, committing sink (the JDBC connector's {@code JdbcSink}) so that its writer's
 * {@code close()} never throws. flink-connector-jdbc 4.0.0-2.0's writer flushes its pending batch
 * in {@code close()} and rethrows when that fails; when the database is down the task is already
 * failing, Flink closes the writer from the failure handler, and an exception there is "FATAL -
 * exception in exception handler of task": the whole TaskManager exits. Found by the end-to-end
 * test's 60 s PostgreSQL outage, which took down both TaskManagers. Swallowing (and logging) the
 * error is safe: it only happens on the failure path, where the job restarts from its last
 * checkpoint and replays what that batch held; on a normal end of input the batch was flushed by
 * {@code flush(true)}, whose errors still fail the task.
 */
public final class CloseSafeSink<IN, S, C>
    implements Sink<IN>, SupportsWriterState<IN, S>, SupportsCommitter<C> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CloseSafeSink.class);

  private final Sink<IN> sink;

  /** {@code sink} must implement {@link SupportsWriterState} and {@link SupportsCommitter}. */
  public static <IN, S, C, K extends Sink<IN> & SupportsWriterState<IN, S> & SupportsCommitter<C>>
      CloseSafeSink<IN, S, C> wrap(K sink) {
    return new CloseSafeSink<>(sink);
  }

  private CloseSafeSink(Sink<IN> sink) {
    this.sink = sink;
  }

  @SuppressWarnings("unchecked")
  private SupportsWriterState<IN, S> stateful() {
    return (SupportsWriterState<IN, S>) sink;
  }

  @SuppressWarnings("unchecked")
  private SupportsCommitter<C> committing() {
    return (SupportsCommitter<C>) sink;
  }

  @Override
  public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
    return new Writer<>(sink.createWriter(context));
  }

  @Override
  public StatefulSinkWriter<IN, S> restoreWriter(
      WriterInitContext context, Collection<S> recoveredState) throws IOException {
    return new Writer<>(stateful().restoreWriter(context, recoveredState));
  }

  @Override
  public SimpleVersionedSerializer<S> getWriterStateSerializer() {
    return stateful().getWriterStateSerializer();
  }

  @Override
  public Committer<C> createCommitter(CommitterInitContext context) throws IOException {
    return committing().createCommitter(context);
  }

  @Override
  public SimpleVersionedSerializer<C> getCommittableSerializer() {
    return committing().getCommittableSerializer();
  }

  /** Delegates everything; {@link #close()} logs instead of throwing. */
  static final class Writer<IN, S, C>
      implements StatefulSinkWriter<IN, S>, CommittingSinkWriter<IN, C> {
    private final SinkWriter<IN> writer;

    Writer(SinkWriter<IN> writer) {
      this.writer = writer;
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
      writer.write(element, context);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
      writer.writeWatermark(watermark);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      writer.flush(endOfInput);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<S> snapshotState(long checkpointId) throws IOException {
      return writer instanceof StatefulSinkWriter<?, ?> s
          ? ((StatefulSinkWriter<IN, S>) s).snapshotState(checkpointId)
          : List.of();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Collection<C> prepareCommit() throws IOException, InterruptedException {
      return writer instanceof CommittingSinkWriter<?, ?> c
          ? ((CommittingSinkWriter<IN, C>) c).prepareCommit()
          : List.of();
    }

    @Override
    public void close() {
      try {
        writer.close();
      } catch (Exception e) {
        LOG.warn(
            "Closing the sink writer failed; its unwritten batch is replayed from the last"
                + " checkpoint: {}",
            e.toString());
      }
    }
  }
}
