package io.vigil.jobs.source;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A {@link KafkaSource} whose bounded mode also ends after a restore from a savepoint, a retained
 * checkpoint or a JobManager failover.
 *
 * <p>Why: the Kafka connector's enumerator (5.0.0-2.2) sends "no more splits" only after a
 * discovery that found partition changes; a restored enumerator knows every partition already, so
 * it never sends it and the restored readers, done with their splits, wait forever (FLINK-31006,
 * fix open upstream as apache/flink-connector-kafka#318). A restart inside a running job is not
 * affected: it keeps the enumerator. When the restored state says the one discovery of a bounded
 * source is finished, no split can appear any more, so each registering reader is told so right
 * after the enumerator handed it its pending splits. Remove once the connector is fixed.
 */
public final class RestoredBoundedKafkaSource<T>
    implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;
  private final KafkaSource<T> kafka;

  public RestoredBoundedKafkaSource(KafkaSource<T> kafka) {
    this.kafka = kafka;
  }

  @Override
  public Boundedness getBoundedness() {
    return kafka.getBoundedness();
  }

  @Override
  public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context)
      throws Exception {
    return kafka.createReader(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context) {
    return kafka.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
      SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state)
      throws IOException {
    SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restored =
        kafka.restoreEnumerator(context, state);
    if (getBoundedness() == Boundedness.BOUNDED && state.initialDiscoveryFinished()) {
      return new NoMoreSplitsOnRegistration(restored, context);
    }
    return restored;
  }

  @Override
  public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
    return kafka.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
    return kafka.getEnumeratorCheckpointSerializer();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return kafka.getProducedType();
  }

  /** Delegates everything; after a reader registered and got its splits, it ends its input. */
  static final class NoMoreSplitsOnRegistration
      implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
    private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> delegate;
    private final SplitEnumeratorContext<KafkaPartitionSplit> context;

    NoMoreSplitsOnRegistration(
        SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> delegate,
        SplitEnumeratorContext<KafkaPartitionSplit> context) {
      this.delegate = delegate;
      this.context = context;
    }

    @Override
    public void start() {
      delegate.start();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
      delegate.handleSplitRequest(subtaskId, requesterHostname);
    }

    @Override
    public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtaskId) {
      delegate.addSplitsBack(splits, subtaskId);
    }

    @Override
    public void addReader(int subtaskId) {
      delegate.addReader(subtaskId);
      context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
      return delegate.snapshotState(checkpointId);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      delegate.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      delegate.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
      delegate.handleSourceEvent(subtaskId, sourceEvent);
    }
  }
}
