package io.vigil.jobs.logs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.logs.TemplateIds;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.logs.LogJobTags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class MineTemplatesFunctionTest {
  private static final long MINUTE = 60_000;
  private static final long T0 = 1_700_000_040_000L - 1_700_000_040_000L % MINUTE;
  private static final long TTL = 60 * MINUTE;

  private static KeyedOneInputStreamOperatorTestHarness<String, LogEvent, MinedLog> harness()
      throws Exception {
    var f =
        new MineTemplatesFunction(
            MINUTE, TTL, LogJobTags.TEMPLATES, LogJobTags.ERROR_GROUPS, LogJobTags.LATE);
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(f), LogEvent::scope, Types.STRING);
  }

  private static LogEvent event(String service, long t, String level, String msg, String user) {
    return new LogEvent(
        "acme", service, t, level, msg, user == null ? Map.of() : Map.of("user_id", user));
  }

  /** A mixed stream of two services, with variables the miner must mask. */
  private static List<LogEvent> stream(int from, int to) {
    List<LogEvent> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      long t = T0 + i * 1000L;
      out.add(
          event("api", t, LogLevels.INFO, "GET /orders/" + i + " took " + (i % 97) + " ms", null));
      out.add(event("db", t, LogLevels.INFO, "checkpoint complete: wrote " + i + " buffers", null));
      if (i % 7 == 0) {
        out.add(
            event(
                "api",
                t,
                LogLevels.ERROR,
                "payment gateway timeout after " + i + " ms",
                "u" + i % 5));
      }
      if (i % 11 == 0) {
        out.add(event("api", t, LogLevels.WARN, "slow request id=" + i, null));
      }
    }
    return out;
  }

  private static List<MinedLog> feed(
      KeyedOneInputStreamOperatorTestHarness<String, LogEvent, MinedLog> h, List<LogEvent> es)
      throws Exception {
    for (LogEvent e : es) {
      h.processElement(new StreamRecord<>(e, e.timestamp()));
    }
    List<MinedLog> out = new ArrayList<>(h.extractOutputValues());
    h.getOutput().clear();
    return out;
  }

  @Test
  void templateIdsAreTheSameWithAndWithoutASnapshotRestoreInBetween() throws Exception {
    List<LogEvent> first = stream(0, 300);
    List<LogEvent> second = stream(300, 600);

    List<MinedLog> straight;
    try (var h = harness()) {
      h.open();
      feed(h, first);
      straight = feed(h, second);
    }

    List<MinedLog> restored;
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.open();
      feed(h, first);
      snapshot = h.snapshot(1, 1);
    }
    try (var h = harness()) {
      h.initializeState(snapshot);
      h.open();
      restored = feed(h, second);
    }
    assertThat(restored).isEqualTo(straight);
    assertThat(straight).extracting(MinedLog::templateId).doesNotContainNull();
    assertThat(straight.stream().map(MinedLog::template).distinct())
        .contains(
            "GET <*> took <*>",
            "checkpoint complete: wrote <*> buffers",
            "payment gateway timeout after <*>");
  }

  @Test
  void writesCumulativeRowsPerWindowCountsErrorsAndUsersAndClearsStateAfterTheTtl()
      throws Exception {
    try (var h = harness()) {
      h.open();
      List<LogEvent> es = stream(0, 120); // two minutes
      feed(h, es);
      h.processWatermark(T0 + 2 * MINUTE);
      List<TemplateRow> rows = new ArrayList<>();
      h.getSideOutput(LogJobTags.TEMPLATES).forEach(r -> rows.add(r.getValue()));
      // the last row per template carries the cumulative count
      Map<String, Long> counts = new java.util.HashMap<>();
      rows.forEach(r -> counts.put(r.service() + "|" + r.template(), r.count()));
      assertThat(counts)
          .containsEntry("api|GET <*> took <*>", 120L)
          .containsEntry("db|checkpoint complete: wrote <*> buffers", 120L)
          .containsEntry("api|payment gateway timeout after <*>", 18L)
          .containsEntry("api|slow request id=<*>", 11L);
      List<ErrorGroupRow> errors = new ArrayList<>();
      h.getSideOutput(LogJobTags.ERROR_GROUPS).forEach(r -> errors.add(r.getValue()));
      ErrorGroupRow last = errors.get(errors.size() - 1);
      assertThat(last.count()).isEqualTo(18);
      assertThat(last.affectedUsers()).isEqualTo(5);
      assertThat(last.usersExact()).isTrue();
      assertThat(last.templateId())
          .isEqualTo(
              rows.stream()
                  .filter(r -> r.template().startsWith("payment"))
                  .findFirst()
                  .orElseThrow()
                  .templateId());
      assertThat(TemplateIds.toHex(0)).hasSize(16);

      // a late event goes to the side output and changes nothing
      h.processElement(new StreamRecord<>(es.get(0), es.get(0).timestamp()));
      assertThat(h.getSideOutput(LogJobTags.LATE)).hasSize(1);

      assertThat(h.numKeyedStateEntries()).isGreaterThan(0);
      h.processWatermark(T0 + 2 * MINUTE + TTL + MINUTE);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }
}
