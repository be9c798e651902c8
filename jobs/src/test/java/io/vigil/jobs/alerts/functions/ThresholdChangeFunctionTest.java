package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.Signal;
import io.vigil.common.alerts.SignalType;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.ExpiringState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ThresholdChangeFunctionTest {
  static final long STEP = 10_000;
  static final long HEARTBEAT = 600_000;

  /** What a breach of points 100-199 with a for-duration of 30 points sends to the pattern. */
  static final List<String> LONG_BREACH =
      List.of(
          "100 hit", "130 hit", "131 hit", "161 hit", "162 hit", "192 hit", "193 hit", "200 clear");

  static RuleEvent event(Route route, long ts, boolean hit) {
    return event(route, ts, hit, 300_000);
  }

  static RuleEvent event(Route route, long ts, boolean hit, long forMs) {
    return new RuleEvent(
        "r1@1|fp1", "fp1", "r1", 1, route, ts, hit ? 95 : 50, hit, "", forMs, 1, Map.of(), "", "");
  }

  static KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> harness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new ThresholdChangeFunction(HEARTBEAT, 86_400_000L), RuleEvent::groupKey, Types.STRING);
  }

  /** The function's state of the key of {@link #event}. */
  static ValueState<ThresholdChangeFunction.Changes> state(
      KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> h) throws Exception {
    var op = (AbstractStreamOperator<?>) h.getOperator();
    op.setCurrentKey("r1@1|fp1");
    return op.getKeyedStateBackend()
        .getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            ExpiringState.descriptor(
                "threshold-changes",
                TypeInformation.of(ThresholdChangeFunction.Changes.class),
                86_400_000L));
  }

  static <T> List<T> values(Collection<StreamRecord<T>> records) {
    return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
  }

  static List<Signal> signals(
      KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> h) {
    return values(h.getSideOutput(ThresholdChangeFunction.SIGNALS));
  }

  @Test
  void aLongBreachSendsTheStartAndEndOfEachMatchAndTheClearAfterIt() throws Exception {
    try (var h = harness()) {
      boolean[] hits = new boolean[300];
      for (int i = 100; i < 200; i++) {
        hits[i] = true; // a breach of 100 points, the for-duration is 30
      }
      for (int i = 0; i < hits.length; i++) {
        h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, i * STEP, hits[i])));
        h.processWatermark(i * STEP - 5_000);
      }
      // matches [100, 130], [131, 161], [162, 192]; 193 starts one that the clear at 200 ends
      assertThat(h.extractOutputValues())
          .extracting(e -> e.timestamp() / STEP + (e.hit() ? " hit" : " clear"))
          .containsExactlyElementsOf(LONG_BREACH);
      // the lifecycle: those, and a point that is not sent every 10 minutes (60 points)
      assertThat(signals(h))
          .extracting(sig -> sig.timestamp() / STEP + " " + sig.type())
          .containsExactly(
              "0 CLEAR",
              "60 CLEAR",
              "100 HIT",
              "130 HIT",
              "131 HIT",
              "161 HIT",
              "162 HIT",
              "192 HIT",
              "193 HIT",
              "200 CLEAR",
              "260 CLEAR");
    }
  }

  @Test
  void withoutAWatermarkTheKeptPointsStayBoundedAndTheDecisionsTheSame() throws Exception {
    try (var h = harness()) {
      for (int i = 0; i < 300; i++) {
        boolean hit = i >= 100 && i < 200;
        h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, i * STEP, hit)));
      }
      // no watermark (a stalled input): the oldest beyond 64 are taken as final, in order nothing
      // changes
      assertThat(h.extractOutputValues())
          .extracting(e -> e.timestamp() / STEP + (e.hit() ? " hit" : " clear"))
          .containsExactlyElementsOf(LONG_BREACH);
      assertThat(state(h).value().points.count()).isEqualTo(ThresholdChangeFunction.MAX_KEPT);
    }
  }

  @Test
  void singleHitRulesSendOnlyBreachesToTheirPatternButSignalTheClears() throws Exception {
    try (var h = harness()) {
      for (int i = 0; i < 10; i++) {
        h.processElement(new StreamRecord<>(event(Route.SINGLE_HIT, i * STEP, i == 4 || i == 5)));
      }
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(values(h.getSideOutput(ThresholdChangeFunction.SINGLE_HIT)))
          .extracting(e -> e.timestamp() / STEP)
          .containsExactly(4L, 5L);
      assertThat(signals(h))
          .extracting(s -> s.type() + "@" + s.timestamp() / STEP)
          .containsExactly("CLEAR@0", "HIT@4", "HIT@5", "CLEAR@6");
    }
  }

  @Test
  void aBreachArrivingAfterTheClearThatFollowsItBringsThatClearBack() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, 0, false)));
      h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, 20_000, false))); // dropped
      h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, 30_000, false))); // dropped
      h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, 10_000, true))); // late-ish
      assertThat(h.extractOutputValues())
          .extracting(e -> e.timestamp() + (e.hit() ? " hit" : " clear"))
          .containsExactly("10000 hit", "20000 clear");
    }
  }

  @Test
  void aStateFromBeforeMatchesWereTrackedForwardsEveryBreachUntilTheRunEnds() throws Exception {
    try (var h = harness()) {
      // what session 8's version kept: the last point (a breach) and nothing about the match
      ThresholdChangeFunction.Changes old = new ThresholdChangeFunction.Changes();
      old.lastTs = 0;
      old.lastHit = true;
      state(h).update(old);
      for (int i = 1; i <= 6; i++) {
        h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, i * STEP, i < 5)));
      }
      // the match start is unknown: 1..4 all forwarded, then the clear that ends the run
      assertThat(h.extractOutputValues())
          .extracting(e -> e.timestamp() / STEP + (e.hit() ? " hit" : " clear"))
          .containsExactly("1 hit", "2 hit", "3 hit", "4 hit", "5 clear");
    }
  }

  @Test
  void pointsBehindTheWatermarkAreForwardedForTheEvaluatorsToCountAsLate() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, 100_000, false)));
      h.processWatermark(90_000);
      h.processElement(new StreamRecord<>(event(Route.THRESHOLD_FOR, 50_000, false)));
      assertThat(h.extractOutputValues()).extracting(RuleEvent::timestamp).containsExactly(50_000L);
    }
  }

  /**
   * Random breaches, arrival order shuffled within the out-of-orderness bound: whatever is dropped,
   * the held-for-duration matches and the clears that end breaches are those of the whole sequence,
   * and the lifecycle hears every breach that starts a run and every clear that ends one.
   */
  @Test
  void outOfOrderPointsChangeNothingTheEvaluatorsSee() throws Exception {
    long droppedTotal = 0;
    long total = 0;
    for (int seed = 1; seed <= 100; seed++) {
      Random r = new Random(seed);
      int n = 400;
      boolean[] hits = new boolean[n];
      boolean hit = false;
      for (int i = 0; i < n; i++) {
        if (r.nextDouble() < 0.05) {
          hit = !hit;
        }
        hits[i] = hit;
      }
      TreeMap<Long, Boolean> all = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        all.put(i * STEP, hits[i]);
      }
      // arrival: each point delayed by up to 4 steps; watermark = max seen - 5 steps
      List<long[]> arrivals = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        arrivals.add(new long[] {i * STEP + r.nextInt(5) * STEP + r.nextInt(1000), i});
      }
      arrivals.sort(Comparator.comparingLong(a -> a[0]));
      for (long forMs : new long[] {STEP, 3 * STEP, 10 * STEP}) {
        List<RuleEvent> forwarded;
        List<Signal> signalled;
        try (var h = harness()) {
          long max = Long.MIN_VALUE;
          for (long[] a : arrivals) {
            int i = (int) a[1];
            h.processElement(
                new StreamRecord<>(event(Route.THRESHOLD_FOR, i * STEP, hits[i], forMs)));
            max = Math.max(max, i * STEP);
            h.processWatermark(max - 5 * STEP);
          }
          forwarded = h.extractOutputValues();
          signalled = signals(h);
        }
        String what = "for " + forMs + " ms, seed " + seed;
        TreeMap<Long, Boolean> kept = new TreeMap<>();
        for (RuleEvent e : forwarded) {
          assertThat(all.get(e.timestamp())).as("a real point, as it was").isEqualTo(e.hit());
          kept.put(e.timestamp(), e.hit());
        }
        assertThat(fires(kept, forMs)).as("held-for fires, " + what).isEqualTo(fires(all, forMs));
        assertThat(firstClears(kept))
            .as("the clears that end breaches, " + what)
            .isEqualTo(firstClears(all));
        TreeMap<Long, Boolean> heard = new TreeMap<>();
        for (Signal sig : signalled) {
          assertThat(all.get(sig.timestamp())).isEqualTo(sig.type() == SignalType.HIT);
          heard.put(sig.timestamp(), sig.type() == SignalType.HIT);
        }
        assertThat(heard.keySet())
            .as("the lifecycle hears the starts and ends of breaches, " + what)
            .containsAll(firstClears(all))
            .containsAll(runStarts(all));
        droppedTotal += n - forwarded.size();
        total += n;
      }
    }
    System.out.printf(
        "threshold changes: %d of %d points dropped (%.0f%%)%n",
        droppedTotal, total, 100.0 * droppedTotal / total);
    assertThat(droppedTotal).as("the filter drops something").isGreaterThan(total / 2);
  }

  /** Times of the breaches whose previous point (in time) did not breach. */
  static TreeSet<Long> runStarts(TreeMap<Long, Boolean> seq) {
    TreeSet<Long> out = new TreeSet<>();
    boolean prev = false;
    for (var e : seq.entrySet()) {
      if (e.getValue() && !prev) {
        out.add(e.getKey());
      }
      prev = e.getValue();
    }
    return out;
  }

  /** Times of the clears whose previous point (in time) breached. */
  static TreeSet<Long> firstClears(TreeMap<Long, Boolean> seq) {
    TreeSet<Long> out = new TreeSet<>();
    Boolean prev = null;
    for (var e : seq.entrySet()) {
      if (!e.getValue() && Boolean.TRUE.equals(prev)) {
        out.add(e.getKey());
      }
      prev = e.getValue();
    }
    return out;
  }

  /** The ThresholdForPattern semantics: breaches held for forMs, skip past the last event. */
  static List<Long> fires(TreeMap<Long, Boolean> seq, long forMs) {
    List<Long> out = new ArrayList<>();
    Long start = null;
    for (var e : seq.entrySet()) {
      if (!e.getValue()) {
        start = null;
      } else if (start == null && forMs > 0) {
        start = e.getKey();
      } else if (start == null || e.getKey() - start >= forMs) {
        out.add(e.getKey());
        start = null;
      }
    }
    return out.stream().collect(Collectors.toList());
  }
}
