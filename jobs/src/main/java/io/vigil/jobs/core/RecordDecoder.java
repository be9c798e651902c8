package io.vigil.jobs.core;

import java.io.Serializable;
import java.util.List;

/** Decodes one raw Kafka record into the values it holds and one reason per part it can't use. */
@FunctionalInterface
public interface RecordDecoder<T> extends Serializable {

  /** What one record decoded into: the good values and one reason per bad part. */
  record Decoded<T>(List<T> values, List<String> errors) {}

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
