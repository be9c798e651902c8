package io.vigil.jobs.core;

import io.vigil.common.codec.WireFormat;
import java.io.Serializable;
import java.util.List;

/** Decodes one raw Kafka record into the values it holds and one reason per part it can't use. */
@FunctionalInterface
public interface RecordDecoder<T> extends Serializable {

  /**
   * What one record decoded into: the good values, one reason per bad part, and the form the record
   * was taken for (null when the decoder does not say).
   */
  record Decoded<T>(List<T> values, List<String> errors, WireFormat format) {
    public Decoded(List<T> values, List<String> errors) {
      this(values, errors, null);
    }
  }

  /** Never throws: a record that can't be used comes back with its reasons. */
  Decoded<T> decode(RawRecord raw);

  /** A dead letter of the parse stage for one reason a record gave. */
  static DeadLetter deadLetter(RawRecord raw, String reason) {
    return new DeadLetter(
        "parse",
        reason,
        raw.topic(),
        raw.partition(),
        raw.offset(),
        raw.kafkaTimestamp(),
        raw.value());
  }
}
