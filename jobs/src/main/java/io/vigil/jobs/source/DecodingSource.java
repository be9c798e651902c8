package io.vigil.jobs.source;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.Parsed;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.RecordDecoder;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A source of raw records (Kafka, or the demo's generator) that decodes each record inside its
 * reader, so that the source's {@link WatermarkStrategy} sees every value's event time.
 *
 * <p>Why: Flink generates watermarks per split (Kafka partition) only inside the source. With the
 * timestamps assigned after a separate parse operator, one watermark covered all the partitions a
 * subtask read, so a partition read ahead of another (a consumer catching up after a restart, a
 * producer whose partition lags) made the other's points late, and the out-of-orderness bound had
 * to cover the disorder <em>across</em> partitions. Decoded here, each partition has its own
 * watermark and the subtask's is their minimum: the bound only has to cover the disorder within a
 * partition.
 *
 * <p>Everything but the reader's output is the wrapped source's: splits, enumerator, checkpoints
 * and their serializers, so a savepoint of a job that read {@code RawRecord}s restores into one
 * that decodes. Each record becomes one {@link Parsed} element per good value and one per reason it
 * could not be used (a dead letter, with event time {@link Parsed#NO_EVENT_TIME}).
 */
public final class DecodingSource<T, SplitT extends SourceSplit, EnumChkT>
    implements Source<Parsed<T>, SplitT, EnumChkT>, ResultTypeQueryable<Parsed<T>> {
  private static final long serialVersionUID = 1L;

  /** The event time of a good value. */
  @FunctionalInterface
  public interface EventTime<T> extends Serializable {
    long of(T value);
  }

  private final Source<RawRecord, SplitT, EnumChkT> raw;
  private final RecordDecoder<T> decoder;
  private final EventTime<T> eventTime;
  private final TypeInformation<T> valueType;

  public DecodingSource(
      Source<RawRecord, SplitT, EnumChkT> raw,
      RecordDecoder<T> decoder,
      EventTime<T> eventTime,
      TypeInformation<T> valueType) {
    this.raw = raw;
    this.decoder = decoder;
    this.eventTime = eventTime;
    this.valueType = valueType;
  }

  /**
   * Event time of the decoded elements as configured: {@code event-time.max-out-of-orderness} per
   * split, a split silent for {@code event-time.idleness} leaves the watermark to the others.
   */
  public static <T> WatermarkStrategy<Parsed<T>> watermarks(VigilConfig config) {
    return watermarks(config.get(VigilOptions.OUT_OF_ORDERNESS), config.get(VigilOptions.IDLENESS));
  }

  /**
   * Event time of the decoded elements: bounded out-of-orderness per split, a split idle after
   * {@code idleness} leaves the watermark to the others; dead letters never move it.
   */
  public static <T> WatermarkStrategy<Parsed<T>> watermarks(
      Duration maxOutOfOrderness, Duration idleness) {
    return WatermarkStrategy.<Parsed<T>>forBoundedOutOfOrderness(maxOutOfOrderness)
        .withTimestampAssigner((e, kafkaTimestamp) -> e.eventTime)
        .withIdleness(idleness);
  }

  @Override
  public Boundedness getBoundedness() {
    return raw.getBoundedness();
  }

  @Override
  public SourceReader<Parsed<T>, SplitT> createReader(SourceReaderContext context)
      throws Exception {
    return new Reader<>(raw.createReader(context), this);
  }

  @Override
  public SplitEnumerator<SplitT, EnumChkT> createEnumerator(SplitEnumeratorContext<SplitT> context)
      throws Exception {
    return raw.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<SplitT, EnumChkT> restoreEnumerator(
      SplitEnumeratorContext<SplitT> context, EnumChkT checkpoint) throws Exception {
    return raw.restoreEnumerator(context, checkpoint);
  }

  @Override
  public SimpleVersionedSerializer<SplitT> getSplitSerializer() {
    return raw.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<EnumChkT> getEnumeratorCheckpointSerializer() {
    return raw.getEnumeratorCheckpointSerializer();
  }

  @Override
  public TypeInformation<Parsed<T>> getProducedType() {
    return Parsed.typeInfo(valueType);
  }

  /** Decodes one record into its elements; a decoder that throws yields a dead letter. */
  void emit(RawRecord record, SourceOutput<Parsed<T>> out, long kafkaTimestamp) {
    RecordDecoder.Decoded<T> decoded;
    try {
      decoded = decoder.decode(record);
    } catch (RuntimeException e) {
      // decoders don't throw; if one ever does, the record is a dead letter, not a failed job
      out.collect(
          Parsed.dead(RecordDecoder.deadLetter(record, "decoder failed: " + e)), kafkaTimestamp);
      return;
    }
    for (T v : decoded.values()) {
      out.collect(Parsed.of(v, eventTime.of(v), decoded.format()), kafkaTimestamp);
    }
    for (String reason : decoded.errors()) {
      out.collect(Parsed.dead(RecordDecoder.deadLetter(record, reason)), kafkaTimestamp);
    }
  }

  /** The wrapped reader, with its output decoding. */
  static final class Reader<T, SplitT extends SourceSplit>
      implements SourceReader<Parsed<T>, SplitT> {
    private final SourceReader<RawRecord, SplitT> delegate;
    private final DecodingSource<T, SplitT, ?> source;
    private ReaderOutput<Parsed<T>> lastOutput;
    private DecodingReaderOutput<T> decodingOutput;

    Reader(SourceReader<RawRecord, SplitT> delegate, DecodingSource<T, SplitT, ?> source) {
      this.delegate = delegate;
      this.source = source;
    }

    @Override
    public void start() {
      delegate.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<Parsed<T>> output) throws Exception {
      if (output != lastOutput) {
        lastOutput = output;
        decodingOutput = new DecodingReaderOutput<>(output, source);
      }
      return delegate.pollNext(decodingOutput);
    }

    @Override
    public List<SplitT> snapshotState(long checkpointId) {
      return delegate.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return delegate.isAvailable();
    }

    @Override
    public void addSplits(List<SplitT> splits) {
      delegate.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
      delegate.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
      delegate.handleSourceEvents(sourceEvent);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      // the Kafka reader commits its offsets here
      delegate.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      delegate.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(
        Collection<String> splitsToPause, Collection<String> splitsToResume) {
      delegate.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void close() throws Exception {
      delegate.close();
    }
  }

  /** A split's output (or the reader's, for records not tied to a split) that decodes. */
  static class DecodingSourceOutput<T> implements SourceOutput<RawRecord> {
    private final SourceOutput<Parsed<T>> out;
    final DecodingSource<T, ?, ?> source;

    DecodingSourceOutput(SourceOutput<Parsed<T>> out, DecodingSource<T, ?, ?> source) {
      this.out = out;
      this.source = source;
    }

    @Override
    public void collect(RawRecord record) {
      source.emit(record, out, TimestampAssigner.NO_TIMESTAMP);
    }

    @Override
    public void collect(RawRecord record, long timestamp) {
      source.emit(record, out, timestamp);
    }

    @Override
    public void emitWatermark(Watermark watermark) {
      out.emitWatermark(watermark);
    }

    @Override
    public void markIdle() {
      out.markIdle();
    }

    @Override
    public void markActive() {
      out.markActive();
    }
  }

  /** The reader's output: per-split outputs are handed out decoding too. */
  static final class DecodingReaderOutput<T> extends DecodingSourceOutput<T>
      implements ReaderOutput<RawRecord> {
    private final ReaderOutput<Parsed<T>> readerOutput;

    DecodingReaderOutput(ReaderOutput<Parsed<T>> out, DecodingSource<T, ?, ?> source) {
      super(out, source);
      this.readerOutput = out;
    }

    @Override
    public SourceOutput<RawRecord> createOutputForSplit(String splitId) {
      return new DecodingSourceOutput<>(readerOutput.createOutputForSplit(splitId), source);
    }

    @Override
    public void releaseOutputForSplit(String splitId) {
      readerOutput.releaseOutputForSplit(splitId);
    }
  }
}
