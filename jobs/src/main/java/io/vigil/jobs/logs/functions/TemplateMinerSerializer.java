package io.vigil.jobs.logs.functions;

import io.vigil.common.logs.TemplateMiner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of a {@link TemplateMiner}: its own versioned snapshot format (the first byte
 * names the format). With the heap state backend the miner then lives in keyed state as an object
 * and is only serialized for checkpoints, not on every event.
 */
public final class TemplateMinerSerializer extends TypeSerializerSingleton<TemplateMiner> {
  private static final long serialVersionUID = 1L;
  public static final TemplateMinerSerializer INSTANCE = new TemplateMinerSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TemplateMiner createInstance() {
    return null;
  }

  @Override
  public TemplateMiner copy(TemplateMiner from) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream(1024);
      from.snapshot(new DataOutputStream(bos));
      return TemplateMiner.restore(
          new DataInputStream(new ByteArrayInputStream(bos.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException("a miner always round-trips in memory", e);
    }
  }

  @Override
  public TemplateMiner copy(TemplateMiner from, TemplateMiner reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(TemplateMiner miner, DataOutputView target) throws IOException {
    miner.snapshot(target);
  }

  @Override
  public TemplateMiner deserialize(DataInputView source) throws IOException {
    return TemplateMiner.restore(source);
  }

  @Override
  public TemplateMiner deserialize(TemplateMiner reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<TemplateMiner> snapshotConfiguration() {
    return new MinerSerializerSnapshot();
  }

  /** Restores this serializer from a checkpoint; the data carries its own format byte. */
  public static final class MinerSerializerSnapshot
      extends SimpleTypeSerializerSnapshot<TemplateMiner> {
    public MinerSerializerSnapshot() {
      super(() -> INSTANCE);
    }
  }
}
