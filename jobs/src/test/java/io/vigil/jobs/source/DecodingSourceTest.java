package io.vigil.jobs.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.Parsed;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.RecordDecoder;
import io.vigil.jobs.core.SplitParsedFunction;
import io.vigil.jobs.metrics.MetricsJobTags;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Decoding inside the source: what one Kafka record becomes (values with their event time, dead
 * letters with the record's origin), how the split after the source routes it, and the event time
 * the source's watermark strategy reads. The per-partition watermarks themselves are tested against
 * a real broker by {@code MetricsAnomalyJobITCase}.
 */
class DecodingSourceTest {
  private static final TypeInformation<MetricPoint> POINT = TypeInformation.of(MetricPoint.class);
  private static final MetricJsonCodec CODEC =
      new MetricJsonCodec(MetricJsonCodec.Limits.defaults());

  private static DecodingSource<MetricPoint, ?, ?> source(RecordDecoder<MetricPoint> decoder) {
    return new DecodingSource<>(
        KafkaSources.raw(
            io.vigil.jobs.config.VigilConfig.fromMap(
                java.util.Map.of("kafka.bootstrap-servers", "127.0.0.1:1"), java.util.Map.of()),
            "t",
            "g"),
        decoder,
        MetricPoint::timestamp,
        POINT);
  }

  private static RecordDecoder<MetricPoint> codec() {
    return raw -> {
      MetricJsonCodec.Result r = CODEC.decode(raw.value());
      return new RecordDecoder.Decoded<>(r.points(), r.errors());
    };
  }

  /** Collects what the source would hand to Flink's per-split output. */
  private static final class Collected implements SourceOutput<Parsed<MetricPoint>> {
    final List<Parsed<MetricPoint>> out = new ArrayList<>();

    @Override
    public void collect(Parsed<MetricPoint> record) {
      out.add(record);
    }

    @Override
    public void collect(Parsed<MetricPoint> record, long timestamp) {
      out.add(record);
    }

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}
  }

  @Test
  void eachRecordBecomesItsValuesWithEventTimeAndOneDeadLetterPerBadPart() throws Exception {
    byte[] msg =
        ("[{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":1},"
                + "{\"tenant\":\"t\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":1},"
                + "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":\"x\",\"value\":1}]")
            .getBytes(StandardCharsets.UTF_8);
    Collected c = new Collected();
    var s = source(codec());
    s.emit(new RawRecord("in", 3, 42, 7, msg), c, 7);
    s.emit(new RawRecord("in", 3, 43, 8, new byte[] {'x'}), c, 8);

    assertThat(c.out).hasSize(4);
    assertThat(c.out.get(0).value.source()).isEqualTo("s");
    assertThat(c.out.get(0).eventTime).isEqualTo(1_700_000_000_000L);
    assertThat(c.out.subList(1, 4))
        .allSatisfy(p -> assertThat(p.value).isNull())
        .allSatisfy(p -> assertThat(p.eventTime).isEqualTo(Parsed.NO_EVENT_TIME))
        .extracting(p -> p.deadLetter)
        .extracting(DeadLetter::reason, DeadLetter::offset, DeadLetter::topic)
        .containsExactly(
            tuple("[1] missing field 'source'", 42L, "in"),
            tuple("[2] field 'timestamp' is not RFC 3339: 'x'", 42L, "in"),
            tuple(
                "invalid JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                43L,
                "in"));

    // the source's watermark strategy: a value's event time; a dead letter's never moves it
    TimestampAssigner<Parsed<MetricPoint>> assigner =
        DecodingSource.<MetricPoint>watermarks(Duration.ofMinutes(1), Duration.ofMinutes(1))
            .createTimestampAssigner(null);
    assertThat(assigner.extractTimestamp(c.out.get(0), 7)).isEqualTo(1_700_000_000_000L);
    assertThat(assigner.extractTimestamp(c.out.get(1), 7)).isEqualTo(Long.MIN_VALUE);

    // after the source: values flow on with their timestamp, dead letters go to the side output
    var f = new SplitParsedFunction<>(MetricsJobTags.DEAD_LETTERS, "pointsParsed", POINT);
    try (var h = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
      for (Parsed<MetricPoint> p : c.out) {
        h.processElement(new StreamRecord<>(p, p.eventTime));
      }
      assertThat(h.extractOutputStreamRecords())
          .extracting(r -> ((MetricPoint) r.getValue()).source(), StreamRecord::getTimestamp)
          .containsExactly(tuple("s", 1_700_000_000_000L));
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS))
          .extracting(r -> r.getValue().offset())
          .containsExactly(42L, 42L, 43L);
    }
  }

  @Test
  void aDecoderThatThrowsGivesADeadLetterNotAFailedJob() {
    Collected c = new Collected();
    source(
            raw -> {
              throw new IllegalStateException("boom");
            })
        .emit(new RawRecord("in", 0, 5, 1, new byte[] {'{'}), c, 1);
    assertThat(c.out)
        .singleElement()
        .satisfies(p -> assertThat(p.deadLetter.reason()).contains("decoder failed", "boom"));
  }

  @Test
  void parsedElementsUseThePojoSerializerAndRoundTripBothKinds() throws Exception {
    TypeInformation<Parsed<MetricPoint>> t = Parsed.typeInfo(POINT);
    assertThat(t).isInstanceOf(PojoTypeInfo.class);
    TypeSerializer<Parsed<MetricPoint>> ser = t.createSerializer(new SerializerConfigImpl());
    MetricPoint point = new MetricPoint("t", "s", "m", java.util.Map.of("k", "v"), 5, 1.5);
    DeadLetter dead = new DeadLetter("parse", "why", "in", 1, 2, 3, new byte[] {1, 2});
    for (Parsed<MetricPoint> p : List.of(Parsed.of(point, 5), Parsed.<MetricPoint>dead(dead))) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ser.serialize(p, new DataOutputViewStreamWrapper(new DataOutputStream(bytes)));
      Parsed<MetricPoint> back =
          ser.deserialize(
              new DataInputViewStreamWrapper(
                  new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
      assertThat(back.value).isEqualTo(p.value);
      assertThat(back.eventTime).isEqualTo(p.eventTime);
      assertThat(back.deadLetter == null).isEqualTo(p.deadLetter == null);
      if (back.deadLetter != null) {
        assertThat(back.deadLetter.reason()).isEqualTo("why");
        assertThat(back.deadLetter.raw()).containsExactly(1, 2);
      }
    }
  }
}
