package io.vigil.jobs.core;

import io.vigil.common.codec.WireFormat;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One element decoded inside a source: a good value with its event time, or a dead letter. Decoding
 * in the source (see {@link io.vigil.jobs.source.DecodingSource}) is what lets the source generate
 * watermarks per Kafka partition: the source's timestamp assigner sees each value's event time.
 *
 * <p>A Flink POJO (public fields, no-argument constructor) with its type information built
 * explicitly by {@link #typeInfo}, so it is serialized without Kryo.
 */
public final class Parsed<T> {
  /** The event time of a dead letter: it must never move a watermark. */
  public static final long NO_EVENT_TIME = Long.MIN_VALUE;

  /** The good value, or null for a dead letter. */
  public T value;

  /** Why the record (or this part of it) could not be used, or null for a good value. */
  public DeadLetter deadLetter;

  /** The value's event time in epoch millis; {@link #NO_EVENT_TIME} for a dead letter. */
  public long eventTime = NO_EVENT_TIME;

  /** The form the value's record came in (for {@code data_sources}), or null if not known. */
  public WireFormat format;

  public Parsed() {}

  public static <T> Parsed<T> of(T value, long eventTime) {
    return of(value, eventTime, null);
  }

  public static <T> Parsed<T> of(T value, long eventTime, WireFormat format) {
    Parsed<T> p = new Parsed<>();
    p.value = Objects.requireNonNull(value);
    p.eventTime = eventTime;
    p.format = format;
    return p;
  }

  public static <T> Parsed<T> dead(DeadLetter deadLetter) {
    Parsed<T> p = new Parsed<>();
    p.deadLetter = Objects.requireNonNull(deadLetter);
    return p;
  }

  /** Type information of {@code Parsed<T>} for a value type that Flink serializes as a POJO. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <T> TypeInformation<Parsed<T>> typeInfo(TypeInformation<T> valueType) {
    return (TypeInformation)
        Types.POJO(
            Parsed.class,
            Map.of(
                "value",
                valueType,
                "deadLetter",
                TypeInformation.of(DeadLetter.class),
                "eventTime",
                Types.LONG,
                "format",
                Types.ENUM(WireFormat.class)));
  }

  @Override
  public String toString() {
    return value != null
        ? "Parsed[" + value + " @" + eventTime + "]"
        : "Parsed[" + deadLetter + "]";
  }
}
