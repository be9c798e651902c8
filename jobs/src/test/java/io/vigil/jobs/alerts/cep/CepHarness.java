package io.vigil.jobs.alerts.cep;

import io.vigil.common.alerts.Signal;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/** A keyed harness around the real CEP operator, in event time, with the late-data tag. */
final class CepHarness implements AutoCloseable {
  static final OutputTag<RuleEvent> LATE =
      new OutputTag<>("late", TypeInformation.of(RuleEvent.class)) {};

  final KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, Signal> h;

  CepHarness(Pattern<RuleEvent, ?> pattern) throws Exception {
    this(pattern, null);
  }

  CepHarness(Pattern<RuleEvent, ?> pattern, OperatorSubtaskState restore) throws Exception {
    SerializerConfigImpl cfg = new SerializerConfigImpl();
    cfg.setGenericTypes(false);
    CepOperator<RuleEvent, String, Signal> op =
        new CepOperator<>(
            TypeInformation.of(RuleEvent.class).createSerializer(cfg),
            false,
            NFACompiler.compileFactory(pattern, false),
            null,
            pattern.getAfterMatchSkipStrategy(),
            new RuleMatchFunction(),
            LATE);
    h = new KeyedOneInputStreamOperatorTestHarness<>(op, RuleEvent::groupKey, Types.STRING);
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
  }

  static RuleEvent ev(long ts, boolean hit, long windowMs, int count) {
    return ev(ts, hit, windowMs, count, "");
  }

  static RuleEvent ev(long ts, boolean hit, long windowMs, int count, String tag) {
    return new RuleEvent(
        "r1@1|fp",
        "fp",
        "r1",
        1,
        Route.THRESHOLD_FOR,
        ts,
        ts,
        hit,
        tag,
        windowMs,
        count,
        Map.of("source", "web-1"),
        "",
        "");
  }

  CepHarness send(RuleEvent... events) throws Exception {
    for (RuleEvent e : events) {
      h.processElement(new StreamRecord<>(e, e.timestamp()));
    }
    return this;
  }

  CepHarness watermark(long ts) throws Exception {
    h.processWatermark(new Watermark(ts));
    return this;
  }

  /** Event times of the FIRE signals so far. */
  List<Long> fired() {
    return h.extractOutputValues().stream().map(Signal::timestamp).toList();
  }

  List<Long> late() {
    var q = h.getSideOutput(LATE);
    return q == null ? List.of() : q.stream().map(r -> r.getValue().timestamp()).toList();
  }

  @Override
  public void close() throws Exception {
    h.close();
  }
}
