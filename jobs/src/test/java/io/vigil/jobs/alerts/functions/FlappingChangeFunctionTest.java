package io.vigil.jobs.alerts.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.core.ExpiringState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class FlappingChangeFunctionTest {
  static final long STEP = 10_000;

  static RuleEvent event(long ts, boolean hit) {
    return new RuleEvent(
        "r1@1|fp1",
        "fp1",
        "r1",
        1,
        Route.FLAPPING,
        ts,
        hit ? 95 : 50,
        hit,
        "",
        600_000,
        4,
        Map.of(),
        "",
        "");
  }

  static KeyedOneInputStreamOperatorTestHarness<String, RuleEvent, RuleEvent> harness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new FlappingChangeFunction(86_400_000L), RuleEvent::groupKey, Types.STRING);
  }

  @Test
  void inOrderOnlyThePointsThatChangeTheFlagAreForwarded() throws Exception {
    try (var h = harness()) {
      boolean[] hits = {false, false, true, true, true, false, true, false, false, false, true};
      for (int i = 0; i < hits.length; i++) {
        h.processElement(new StreamRecord<>(event(i * STEP, hits[i])));
        h.processWatermark(i * STEP - 5_000);
      }
      assertThat(h.extractOutputValues())
          .extracting(e -> e.timestamp() / STEP + (e.hit() ? " hit" : " clear"))
          .containsExactly("2 hit", "5 clear", "6 hit", "7 clear", "10 hit");
    }
  }

  @Test
  void withoutAWatermarkTheKeptPointsStayBoundedAndTheChangesTheSame() throws Exception {
    try (var h = harness()) {
      List<Long> changes = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        boolean hit = (i / 7) % 2 == 1; // a change every 7 points, no watermark (a stalled input)
        if (i > 0 && i % 7 == 0) {
          changes.add(i * STEP);
        }
        h.processElement(new StreamRecord<>(event(i * STEP, hit)));
      }
      assertThat(h.extractOutputValues()).extracting(RuleEvent::timestamp).isEqualTo(changes);
      var op = (AbstractStreamOperator<?>) h.getOperator();
      op.setCurrentKey("r1@1|fp1");
      KeptPoints kept =
          op.getKeyedStateBackend()
              .getPartitionedState(
                  VoidNamespace.INSTANCE,
                  VoidNamespaceSerializer.INSTANCE,
                  ExpiringState.descriptor(
                      "flapping-changes", TypeInformation.of(KeptPoints.class), 86_400_000L))
              .value();
      assertThat(kept.count()).isEqualTo(FlappingChangeFunction.MAX_HISTORY);
    }
  }

  @Test
  void aLatePointThatSplitsARunBringsBackTheRestOfIt() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(event(0, false)));
      h.processElement(new StreamRecord<>(event(20_000, false))); // dropped: a repeat
      h.processElement(new StreamRecord<>(event(30_000, false))); // dropped
      h.processElement(new StreamRecord<>(event(10_000, true))); // arrives late: two changes
      assertThat(h.extractOutputValues())
          .extracting(e -> e.timestamp() + (e.hit() ? " hit" : " clear"))
          .containsExactly("10000 hit", "20000 clear");
    }
  }

  @Test
  void aLatePointWhereAForwardedChangeBeganIsForwardedToo() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(event(0, false)));
      h.processElement(new StreamRecord<>(event(20_000, true))); // the change, as far as known
      h.processElement(new StreamRecord<>(event(10_000, true))); // it began here
      // sorted: clear (not sent), hit at 10 s, hit at 20 s: the repeat is not a second change
      assertThat(h.extractOutputValues())
          .extracting(e -> e.timestamp() + (e.hit() ? " hit" : " clear"))
          .containsExactly("20000 hit", "10000 hit");
    }
  }

  @Test
  void pointsBehindTheWatermarkAreForwardedForThePatternToCountAsLate() throws Exception {
    try (var h = harness()) {
      h.processElement(new StreamRecord<>(event(100_000, false)));
      h.processWatermark(90_000);
      h.processElement(new StreamRecord<>(event(50_000, false)));
      assertThat(h.extractOutputValues()).extracting(RuleEvent::timestamp).containsExactly(50_000L);
    }
  }

  /**
   * Random flags, arrival order shuffled within the out-of-orderness bound: every change is
   * forwarded at its own time, and sorted by time the forwarded points differ from the one before
   * them exactly as often as the whole sequence changes (what the pattern counts); in order, they
   * are the changes themselves.
   */
  @Test
  void outOfOrderPointsKeepTheCountOfChanges() throws Exception {
    long forwardedTotal = 0;
    long total = 0;
    for (int seed = 1; seed <= 200; seed++) {
      Random r = new Random(seed);
      int n = 300;
      boolean[] hits = new boolean[n];
      boolean hit = false;
      for (int i = 0; i < n; i++) {
        if (r.nextDouble() < (i % 100 < 20 ? 0.5 : 0.03)) {
          hit = !hit; // a flapping stretch every 100 points
        }
        hits[i] = hit;
      }
      List<Integer> changes = new ArrayList<>();
      for (int i = 1; i < n; i++) {
        if (hits[i] != hits[i - 1]) {
          changes.add(i);
        }
      }
      for (int delay : new int[] {0, 4}) {
        List<long[]> arrivals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          arrivals.add(new long[] {i * STEP + r.nextInt(delay + 1) * STEP + r.nextInt(1000), i});
        }
        arrivals.sort(Comparator.comparingLong(a -> a[0]));
        List<RuleEvent> forwarded;
        try (var h = harness()) {
          long max = Long.MIN_VALUE;
          for (long[] a : arrivals) {
            int i = (int) a[1];
            h.processElement(new StreamRecord<>(event(i * STEP, hits[i])));
            max = Math.max(max, i * STEP);
            h.processWatermark(max - 5 * STEP);
          }
          forwarded = new ArrayList<>(h.extractOutputValues());
        }
        forwarded.sort(Comparator.comparingLong(RuleEvent::timestamp));
        String what = "seed " + seed + ", delay " + delay;
        List<Long> sent = forwarded.stream().map(RuleEvent::timestamp).toList();
        for (int c : changes) {
          assertThat(sent).as("change at %d forwarded, %s", c, what).contains(c * STEP);
        }
        int counted = 0;
        for (int k = 0; k < forwarded.size(); k++) {
          RuleEvent e = forwarded.get(k);
          assertThat(e.hit())
              .as("a real point, %s", what)
              .isEqualTo(hits[(int) (e.timestamp() / STEP)]);
          boolean prev = k == 0 ? hits[0] : forwarded.get(k - 1).hit();
          counted += e.hit() != prev ? 1 : 0;
        }
        assertThat(counted)
            .as("changes counted the pattern's way, " + what)
            .isEqualTo(changes.size());
        if (delay == 0) {
          assertThat(sent).as("in order: the changes, " + what).hasSize(changes.size());
        }
        forwardedTotal += forwarded.size();
        total += n;
      }
    }
    System.out.printf(
        "flapping changes: %d of %d points forwarded (%.1f%%)%n",
        forwardedTotal, total, 100.0 * forwardedTotal / total);
    assertThat(forwardedTotal).as("the filter drops something").isLessThan(total / 2);
  }
}
