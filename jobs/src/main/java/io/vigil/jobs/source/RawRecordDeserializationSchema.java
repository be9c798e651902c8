package io.vigil.jobs.source;

import io.vigil.jobs.core.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Keeps a Kafka record as it is: parsing happens downstream where failures have a side output. */
public final class RawRecordDeserializationSchema
    implements KafkaRecordDeserializationSchema<RawRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
    byte[] value = r.value() == null ? new byte[0] : r.value();
    out.collect(new RawRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), value));
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }
}
