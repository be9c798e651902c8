package io.vigil.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.drift.DriftDiff;
import io.vigil.common.drift.ResourceState;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DriftFunctionTest {
  static final long MIN = 60_000;

  static ResourceState declared(String resource, String state, long at) {
    return new ResourceState("prod", resource, "aws_instance", "web", true, state, "abc123", at);
  }

  static ResourceState actual(String resource, String state, long at) {
    return new ResourceState("prod", resource, "aws_instance", "web", false, state, "alice", at);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, ResourceState, DriftRow> harness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new DriftFunction(DriftDiff.defaults(), 10 * MIN, 0), ResourceState::key, Types.STRING);
  }

  static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, ResourceState, DriftRow> h,
      ResourceState... reports)
      throws Exception {
    for (ResourceState r : reports) {
      h.processElement(new StreamRecord<>(r, r.timestamp()));
    }
  }

  static List<String> rows(
      KeyedOneInputStreamOperatorTestHarness<String, ResourceState, DriftRow> h) {
    return h.extractOutputValues().stream()
        .map(
            r ->
                r.resource()
                    + " "
                    + r.driftType()
                    + " "
                    + r.severity()
                    + " "
                    + (r.resolvedAt() > 0 ? r.resolutionType() : "open")
                    + " "
                    + r.detectedAt() / MIN)
        .toList();
  }

  @Test
  void oneEventPerDriftEpisodeUpdatedWhenItChangesResolvedWhenTheSidesAgree() throws Exception {
    String small = "{\"instance_type\":\"t3.small\",\"monitoring\":true}";
    String large = "{\"instance_type\":\"t3.large\",\"monitoring\":true,\"arn\":\"x\"}";
    String largeNoMonitoring = "{\"instance_type\":\"t3.large\"}";
    try (var h = harness()) {
      h.open();
      feed(
          h,
          declared("a", small, 0),
          actual("a", small, MIN), // in sync
          actual("a", large, 2 * MIN), // drift opens
          actual("a", large, 3 * MIN), // the inventory re-sends it: nothing new
          actual("a", small, 2 * MIN + 30_000), // older than the last actual: stale
          actual("a", largeNoMonitoring, 4 * MIN), // the same drift, one more property
          actual("a", small, 5 * MIN), // reverted by hand
          actual("a", large, 6 * MIN), // a second episode
          declared("a", large.replace(",\"arn\":\"x\"", ""), 7 * MIN)); // the code catches up
      assertThat(rows(h))
          .containsExactly(
              "a modified low open 2",
              "a modified medium open 2",
              "a modified medium reverted 2",
              "a modified low open 6",
              "a modified low codified 6");
      List<DriftRow> out = h.extractOutputValues();
      assertThat(out.get(0).id()).isEqualTo(out.get(2).id()).isNotEqualTo(out.get(3).id());
      assertThat(out.get(1).changesJson()).contains("/monitoring").contains("/instance_type");
      assertThat(out.get(0).changedBy()).isEqualTo("alice");
      assertThat(out.get(0).commit()).isEqualTo("abc123");
    }
  }

  @Test
  void deletedUnmanagedAndSecretProperties() throws Exception {
    try (var h = harness()) {
      h.open();
      feed(
          h,
          declared("db", "{\"password\":\"hunter2\",\"size\":10}", 0),
          actual("db", "{\"password\":\"letmein\",\"size\":10}", MIN),
          actual("db", null, 2 * MIN), // deleted behind the code's back
          actual("stray", "{\"size\":1}", 3 * MIN)); // nobody declared this one
      h.setProcessingTime(h.getProcessingTime() + 9 * MIN);
      assertThat(rows(h))
          .containsExactly("db modified critical open 1", "db deleted critical open 1");
      h.setProcessingTime(h.getProcessingTime() + 2 * MIN);
      assertThat(rows(h)).last().isEqualTo("stray added high open 3");
      assertThat(h.extractOutputValues().get(0).changesJson())
          .doesNotContain("hunter2")
          .doesNotContain("letmein");
      assertThat(h.extractOutputValues().get(0).declaredJson()).doesNotContain("hunter2");
      // the code declares the stray resource as it runs: codified
      feed(h, declared("stray", "{\"size\":1}", 20 * MIN));
      assertThat(rows(h)).last().isEqualTo("stray added high codified 3");
    }
  }
}
