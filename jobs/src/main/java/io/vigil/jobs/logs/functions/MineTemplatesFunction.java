package io.vigil.jobs.logs.functions;

import io.vigil.common.logs.AffectedUsersCounter;
import io.vigil.common.logs.ErrorGroupKey;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.logs.TemplateIds;
import io.vigil.common.logs.TemplateMatch;
import io.vigil.common.logs.TemplateMiner;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.core.VigilMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Mines the templates of one (tenant, service) online: the {@link TemplateMiner} lives in keyed
 * state, every event leaves with its template id, and per template and per error group the
 * cumulative figures for {@code log_templates} and {@code error_groups} are kept and written (as
 * absolute values, so a replay rewrites the same numbers) once per window when the watermark passes
 * it. When the miner merges templates, the merged ids' figures fold into the survivor's and an
 * alias row records where they went. Late events go to a side output. All state is deleted {@code
 * stateTtl} of event time after the scope's last event.
 */
public final class MineTemplatesFunction extends KeyedProcessFunction<String, LogEvent, MinedLog> {
  private static final long serialVersionUID = 1L;

  static final ValueStateDescriptor<TemplateMiner> MINER =
      new ValueStateDescriptor<>("miner", TemplateMinerSerializer.INSTANCE);
  static final MapStateDescriptor<Long, TemplateStats> TEMPLATES =
      new MapStateDescriptor<>("templates", Types.LONG, TypeInformation.of(TemplateStats.class));
  static final MapStateDescriptor<Long, ErrorGroupState> ERROR_GROUPS =
      new MapStateDescriptor<>(
          "error-groups", Types.LONG, TypeInformation.of(ErrorGroupState.class));
  static final ValueStateDescriptor<Long> LAST_EVENT =
      new ValueStateDescriptor<>("last-event", Types.LONG);
  static final ValueStateDescriptor<Long> CLEANUP =
      new ValueStateDescriptor<>("cleanup-timer", Types.LONG);

  private final long windowMillis;
  private final long stateTtlMillis;
  private final OutputTag<TemplateRow> templateRows;
  private final OutputTag<ErrorGroupRow> errorRows;
  private final OutputTag<LogEvent> late;
  private transient ValueState<TemplateMiner> miner;
  private transient MapState<Long, TemplateStats> templates;
  private transient MapState<Long, ErrorGroupState> errorGroups;
  private transient ValueState<Long> lastEvent;
  private transient ValueState<Long> cleanup;
  private transient Counter lateCounter;
  private transient Counter newTemplates;

  public MineTemplatesFunction(
      long windowMillis,
      long stateTtlMillis,
      OutputTag<TemplateRow> templateRows,
      OutputTag<ErrorGroupRow> errorRows,
      OutputTag<LogEvent> late) {
    this.windowMillis = windowMillis;
    this.stateTtlMillis = stateTtlMillis;
    this.templateRows = templateRows;
    this.errorRows = errorRows;
    this.late = late;
  }

  @Override
  public void open(OpenContext openContext) {
    miner = getRuntimeContext().getState(MINER);
    templates = getRuntimeContext().getMapState(TEMPLATES);
    errorGroups = getRuntimeContext().getMapState(ERROR_GROUPS);
    lastEvent = getRuntimeContext().getState(LAST_EVENT);
    cleanup = getRuntimeContext().getState(CLEANUP);
    var group = VigilMetrics.of(getRuntimeContext());
    lateCounter = group.counter("lateLogs");
    newTemplates = group.counter("newTemplates");
  }

  @Override
  public void processElement(LogEvent e, Context ctx, Collector<MinedLog> out) throws Exception {
    long ts = e.timestamp();
    if (ts <= ctx.timerService().currentWatermark()) {
      lateCounter.inc();
      ctx.output(late, e);
      return;
    }
    TemplateMiner m = miner.value();
    if (m == null) {
      m = new TemplateMiner(ctx.getCurrentKey());
    }
    TemplateMatch match = m.add(e.message());
    long id = match.templateId();
    if (match.change() == TemplateMatch.Change.GENERALISED) {
      foldMerged(m, e, ctx);
    }
    miner.update(m);
    TemplateStats s = templates.get(id);
    templates.put(
        id,
        s == null
            ? new TemplateStats(match.template(), e.message(), ts, ts, 1, true)
            : s.seen(match.template(), ts));
    if (LogLevels.isError(e.severity())) {
      countError(id, e);
    }
    Long last = lastEvent.value();
    if (last == null || ts > last) {
      lastEvent.update(ts);
    }
    ctx.timerService().registerEventTimeTimer(windowEnd(ts) - 1);
    if (match.change() == TemplateMatch.Change.CREATED) {
      newTemplates.inc();
    }
    out.collect(
        new MinedLog(
            e.tenant(),
            e.service(),
            ts,
            e.severity(),
            id,
            match.template(),
            match.change() == TemplateMatch.Change.CREATED));
  }

  private void countError(long id, LogEvent e) throws Exception {
    ErrorGroupState g = errorGroups.get(id);
    AffectedUsersCounter users = g == null ? new AffectedUsersCounter() : ErrorGroups.users(g);
    users.add(e.user());
    long ts = e.timestamp();
    errorGroups.put(
        id,
        g == null
            ? new ErrorGroupState(
                e.severity(), e.message(), ts, ts, 1, ErrorGroups.bytes(users), true)
            : new ErrorGroupState(
                ts >= g.lastSeen() ? e.severity() : g.severity(),
                g.example(),
                Math.min(g.firstSeen(), ts),
                Math.max(g.lastSeen(), ts),
                g.count() + 1,
                ErrorGroups.bytes(users),
                true));
  }

  /** Folds the figures of templates the miner merged away into their survivors. */
  private void foldMerged(TemplateMiner m, LogEvent e, Context ctx) throws Exception {
    List<Long> merged = new ArrayList<>();
    for (Long k : templates.keys()) {
      if (m.resolve(k) != k) {
        merged.add(k);
      }
    }
    for (long k : merged) {
      long survivor = m.resolve(k);
      TemplateStats gone = templates.get(k);
      TemplateStats into = templates.get(survivor);
      templates.put(survivor, into == null ? gone : into.absorb(gone));
      ctx.output(templateRows, row(e.tenant(), e.service(), k, gone, TemplateIds.toHex(survivor)));
      templates.remove(k);
      ErrorGroupState g = errorGroups.get(k);
      if (g != null) {
        ErrorGroupState target = errorGroups.get(survivor);
        errorGroups.put(survivor, target == null ? g : ErrorGroups.merge(target, g));
        String hash = ErrorGroupKey.hex(e.tenant(), e.service(), survivor);
        ctx.output(
            errorRows, ErrorGroups.row(e.tenant(), e.service(), k, gone.template(), g, hash));
        errorGroups.remove(k);
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MinedLog> out)
      throws Exception {
    Long last = lastEvent.value();
    if (last == null) {
      return;
    }
    if (timestamp >= windowEnd(last) + stateTtlMillis) {
      miner.clear();
      templates.clear();
      errorGroups.clear();
      lastEvent.clear();
      cleanup.clear();
      return;
    }
    flush(ctx);
    long cleanupAt = windowEnd(last) + stateTtlMillis;
    Long registered = cleanup.value();
    if (registered == null || registered != cleanupAt) {
      if (registered != null) {
        ctx.timerService().deleteEventTimeTimer(registered);
      }
      ctx.timerService().registerEventTimeTimer(cleanupAt);
      cleanup.update(cleanupAt);
    }
  }

  /** Writes the rows that changed; forgets templates the miner evicted once they are written. */
  private void flush(OnTimerContext ctx) throws Exception {
    String[] scope = ctx.getCurrentKey().split("\u001f", 2);
    TemplateMiner m = miner.value();
    List<Long> evicted = new ArrayList<>();
    for (var en : templates.entries()) {
      TemplateStats s = en.getValue();
      if (s.dirty()) {
        ctx.output(templateRows, row(scope[0], scope[1], en.getKey(), s, null));
        en.setValue(s.clean());
      }
      if (m == null || m.templateText(en.getKey()) == null) {
        evicted.add(en.getKey());
      }
    }
    for (var en : errorGroups.entries()) {
      ErrorGroupState g = en.getValue();
      if (g.dirty()) {
        TemplateStats s = templates.get(en.getKey());
        String text = s == null ? "" : s.template();
        ctx.output(errorRows, ErrorGroups.row(scope[0], scope[1], en.getKey(), text, g, null));
        en.setValue(ErrorGroups.clean(g));
      }
    }
    for (long k : evicted) {
      templates.remove(k);
      errorGroups.remove(k);
    }
  }

  private static TemplateRow row(
      String tenant, String service, long id, TemplateStats s, String aliasOf) {
    return new TemplateRow(
        tenant,
        service,
        TemplateIds.toHex(id),
        s.template(),
        s.example(),
        s.firstSeen(),
        s.lastSeen(),
        s.count(),
        aliasOf);
  }

  private long windowEnd(long ts) {
    return ts - Math.floorMod(ts, windowMillis) + windowMillis;
  }
}
