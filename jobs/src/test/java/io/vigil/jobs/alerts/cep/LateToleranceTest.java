package io.vigil.jobs.alerts.cep;

import static io.vigil.jobs.alerts.cep.CepHarness.ev;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.alerts.functions.LateToleranceOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link LateToleranceOperator} in front of the real CEP operator, as the pipeline chains them: the
 * watermark has overtaken a key's events (an idle input resumed, an agent flushed its buffer).
 */
class LateToleranceTest {
  static final Duration MAX = Duration.ofHours(1);

  /** The input: the watermark reached 100 before the series' breaches from 90 on arrived. */
  private static List<Object> overtaken() {
    List<Object> in = new ArrayList<>();
    in.add(new Watermark(100));
    in.add(ev(90, true, 10, 1));
    in.add(ev(95, true, 10, 1));
    in.add(ev(100, true, 10, 1)); // held for 10 since 90: the pattern's end
    in.add(ev(105, true, 10, 1));
    in.add(new Watermark(110));
    return in;
  }

  @Test
  void withoutTheToleranceCepDropsTheOvertakenBreachesAndTheAlertIsLost() throws Exception {
    try (var cep = new CepHarness(ThresholdForPattern.create(MAX))) {
      pipe(overtaken(), cep);
      assertThat(cep.fired()).isEmpty();
      assertThat(cep.late()).containsExactly(90L, 95L, 100L);
    }
  }

  @Test
  void overtakenEventsInTheirSeriesOrderAreEvaluatedAtTheirOwnTimes() throws Exception {
    try (var tolerance = tolerance(60_000);
        var cep = new CepHarness(ThresholdForPattern.create(MAX))) {
      pipe(run(tolerance, overtaken()), cep);
      assertThat(cep.fired()).containsExactly(100L);
      assertThat(cep.late()).isEmpty();
      assertThat(tolerance.getOutput())
          .filteredOn(StreamRecord.class::isInstance)
          .extracting(o -> ((StreamRecord<?>) o).getTimestamp())
          .as("stamped just past the watermark, in order; the in-time one keeps its time")
          .containsExactly(101L, 101L, 101L, 105L);
    }
  }

  @Test
  void aLateEventOutOfItsSeriesOrderOrBeyondTheToleranceStaysLate() throws Exception {
    try (var tolerance = tolerance(50);
        var cep = new CepHarness(SingleHitPattern.create())) {
      List<Object> in = new ArrayList<>();
      in.add(ev(120, true, 0, 1));
      in.add(new Watermark(130));
      in.add(ev(110, true, 0, 1)); // behind the series' last event (120): out of order
      in.add(ev(125, true, 0, 1)); // newer than 120 and 5 behind: evaluated
      in.add(new Watermark(200));
      in.add(ev(140, true, 0, 1)); // newer, but 60 behind: beyond the tolerance
      in.add(ev(160, true, 0, 1)); // 40 behind: evaluated
      in.add(new Watermark(300));
      pipe(run(tolerance, in), cep);
      assertThat(cep.fired()).containsExactly(120L, 125L, 160L);
      assertThat(cep.late()).containsExactly(110L, 140L);
    }
  }

  @Test
  void aZeroToleranceChangesNothing() throws Exception {
    try (var tolerance = tolerance(0);
        var cep = new CepHarness(ThresholdForPattern.create(MAX))) {
      pipe(run(tolerance, overtaken()), cep);
      assertThat(cep.fired()).isEmpty();
      assertThat(cep.late()).containsExactly(90L, 95L, 100L);
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> tolerance(
      long toleranceMs) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new LateToleranceOperator(toleranceMs, 0), RuleEvent::groupKey, Types.STRING);
    h.open();
    return h;
  }

  /** Feeds the operator and returns what it sent on, records and watermarks in order. */
  private static List<Object> run(
      KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> h, List<Object> in)
      throws Exception {
    for (Object o : in) {
      if (o instanceof Watermark w) {
        h.processWatermark(w);
      } else {
        RuleEvent e = (RuleEvent) o;
        h.processElement(new StreamRecord<>(e, e.timestamp()));
      }
    }
    return new ArrayList<>(h.getOutput());
  }

  @SuppressWarnings("unchecked")
  private static void pipe(List<Object> in, CepHarness cep) throws Exception {
    for (Object o : in) {
      if (o instanceof Watermark w) {
        cep.watermark(w.getTimestamp());
      } else if (o instanceof StreamRecord<?> r) {
        cep.h.processElement((StreamRecord<RuleEvent>) r);
      } else {
        cep.send((RuleEvent) o);
      }
    }
  }
}
