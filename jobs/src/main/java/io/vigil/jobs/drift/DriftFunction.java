package io.vigil.jobs.drift;

import io.vigil.common.drift.DriftDiff;
import io.vigil.common.drift.ResourceState;
import io.vigil.jobs.core.ExpiringState;
import io.vigil.jobs.core.VigilMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per resource (environment and address): compares the last declared and the last actual state and
 * keeps one drift event open while they differ.
 *
 * <ul>
 *   <li>A report older than the last one of its side is stale and changes nothing (counted in
 *       {@code vigil.driftStaleReports}); reports of a resource should share a Kafka key.
 *   <li>Both present and different: {@code modified}, with the changed properties ({@link
 *       DriftDiff}). Declared but gone: {@code deleted}. Running but deleted from the code, or
 *       never declared {@code unmanagedAfter} after it was first seen running: {@code added}.
 *   <li>The event is written when it opens and whenever its changes or type change; an identical
 *       report (inventories re-send everything) writes nothing. It resolves when both sides agree
 *       again: {@code reverted} if the running side moved back, {@code codified} if the code moved.
 * </ul>
 *
 * Ids are name-based on the resource and the time the drift was first seen, so a replay writes the
 * same rows. State expires {@code retention} after the resource's last report.
 */
public final class DriftFunction extends KeyedProcessFunction<String, ResourceState, DriftRow> {
  private static final long serialVersionUID = 1L;
  private final DriftDiff diff;
  private final long unmanagedAfter;
  private final long retention;
  private transient ValueState<DriftState> state;
  private transient Counter stale;
  private transient Counter opened;

  public DriftFunction(DriftDiff diff, long unmanagedAfter, long retention) {
    this.diff = diff;
    this.unmanagedAfter = unmanagedAfter;
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    state =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor("drift", TypeInformation.of(DriftState.class), retention));
    var group = VigilMetrics.of(getRuntimeContext());
    stale = group.counter("driftStaleReports");
    opened = group.counter("driftEventsOpened");
  }

  @Override
  public void processElement(ResourceState r, Context ctx, Collector<DriftRow> out)
      throws Exception {
    DriftState s = state.value() == null ? DriftState.EMPTY : state.value();
    if (r.declared() ? r.timestamp() < s.declaredAt() : r.timestamp() < s.actualAt()) {
      stale.inc();
      return;
    }
    String type = r.type().isEmpty() ? s.resourceType() : r.type();
    String service = r.service().isEmpty() ? s.service() : r.service();
    s =
        r.declared()
            ? new DriftState(
                true,
                r.stateJson(),
                r.timestamp(),
                r.by(),
                s.actualKnown(),
                s.actualJson(),
                s.actualAt(),
                s.changedBy(),
                type,
                service,
                s.openId(),
                s.openSince(),
                s.openType(),
                s.openChangesJson(),
                s.openScore())
            : new DriftState(
                s.declaredKnown(),
                s.declaredJson(),
                s.declaredAt(),
                s.commit(),
                true,
                r.stateJson(),
                r.timestamp(),
                r.by(),
                type,
                service,
                s.openId(),
                s.openSince(),
                s.openType(),
                s.openChangesJson(),
                s.openScore());
    if (!s.declaredKnown() && r.present() && s.openId().isEmpty() && unmanagedAfter > 0) {
      // running, and the code has not said anything about it yet: give it time to
      ctx.timerService()
          .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + unmanagedAfter);
    }
    state.update(evaluate(ctx.getCurrentKey(), s, r.declared(), r.timestamp(), false, out));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftRow> out)
      throws Exception {
    DriftState s = state.value();
    if (s != null && !s.declaredKnown() && s.actualJson() != null && s.openId().isEmpty()) {
      state.update(evaluate(ctx.getCurrentKey(), s, false, s.actualAt(), true, out));
    }
  }

  private DriftState evaluate(
      String key,
      DriftState s,
      boolean byDeclared,
      long at,
      boolean unmanaged,
      Collector<DriftRow> out) {
    String driftType = null;
    List<DriftDiff.Change> changes = List.of();
    if (unmanaged) {
      driftType = "added";
    } else if (s.declaredKnown() && s.actualKnown()) {
      if (s.declaredJson() != null && s.actualJson() != null) {
        changes = diff.changes(s.declaredJson(), s.actualJson());
        driftType = changes.isEmpty() ? null : "modified";
      } else if (s.declaredJson() != null) {
        driftType = "deleted";
      } else if (s.actualJson() != null) {
        driftType = "added";
      }
    } else {
      return s; // one side unknown: nothing to compare (an unmanaged drift stays open)
    }
    String changesJson = DriftDiff.json(changes);
    if (driftType == null) {
      if (!s.openId().isEmpty()) {
        String resolution = byDeclared ? "codified" : "reverted";
        out.collect(
            row(
                key,
                s,
                s.openId(),
                s.openType(),
                s.openChangesJson(),
                s.openScore(),
                s.openSince(),
                at,
                resolution,
                at));
      }
      return s.withOpen("", 0, "", "", 0);
    }
    double score = DriftDiff.severityScore(driftType, changes);
    if (s.openId().isEmpty()) {
      String id =
          UUID.nameUUIDFromBytes(("drift|" + key + "|" + at).getBytes(StandardCharsets.UTF_8))
              .toString();
      opened.inc();
      out.collect(row(key, s, id, driftType, changesJson, score, at, 0, "", at));
      return s.withOpen(id, at, driftType, changesJson, score);
    }
    if (!driftType.equals(s.openType()) || !changesJson.equals(s.openChangesJson())) {
      out.collect(row(key, s, s.openId(), driftType, changesJson, score, s.openSince(), 0, "", at));
      return s.withOpen(s.openId(), s.openSince(), driftType, changesJson, score);
    }
    return s;
  }

  private DriftRow row(
      String key,
      DriftState s,
      String id,
      String driftType,
      String changesJson,
      double score,
      long detectedAt,
      long resolvedAt,
      String resolution,
      long updatedAt) {
    int sep = key.indexOf('\u001f');
    return new DriftRow(
        id,
        key.substring(0, sep),
        key.substring(sep + 1),
        s.resourceType(),
        s.service(),
        driftType,
        diff.redact(s.declaredJson()),
        diff.redact(s.actualJson()),
        changesJson,
        DriftDiff.severity(score).dbName(),
        score,
        s.changedBy(),
        s.commit(),
        detectedAt,
        resolvedAt,
        resolution,
        updatedAt);
  }
}
