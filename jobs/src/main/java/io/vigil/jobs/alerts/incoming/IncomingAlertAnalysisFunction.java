package io.vigil.jobs.alerts.incoming;

import io.vigil.common.alerts.AlertAnalysis;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.jobs.core.ExpiringState;
import io.vigil.jobs.core.VigilMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per service (tenant and source): turns Alertmanager's notifications into alert changes and
 * explains each alert with the service's anomalies.
 *
 * <p>Alertmanager re-sends a firing alert every {@code repeat_interval} and a notification holds
 * every alert of its group, so most alerts arrive many times: only a new episode (a fingerprint
 * with a later {@code startsAt}) and its resolution are changes; repeats are counted ({@code
 * alertmanagerRepeats}) and go no further. A notification of an older episode than the one held
 * only matters if it resolves it (an upsert of that episode's own row).
 *
 * <p>Anomalies of the service, the alerts Vigil's own rules raised on it and the error groups of
 * its logs (timed at their first occurrence) are kept for {@code lookback + lookahead} (at most
 * {@link #MAX_RECENT}); an alert whose action is {@code auto_analyze} gets an analysis from those
 * within {@code lookback} before its start to {@code lookahead} after, and again whenever later
 * evidence of that window arrives while it fires (Vigil's detection may trail Prometheus' rule by a
 * few points). Evidence arriving again (same id and content) changes nothing. State expires {@code
 * retention} after it was last written.
 */
public final class IncomingAlertAnalysisFunction
    extends KeyedCoProcessFunction<String, IncomingAlert, ServiceEvidence, IncomingAlertRow> {
  private static final long serialVersionUID = 1L;

  /** Pieces of evidence (anomalies, Vigil alerts, error groups) kept per service. */
  static final int MAX_RECENT = 64;

  /** How long a resolved episode is kept to recognise repeats of its resolution. */
  static final long RESOLVED_KEPT_MS = 24 * 3_600_000L;

  private final long lookback;
  private final long lookahead;
  private final long retention;
  private transient ValueState<List<IncomingAlert>> episodes;
  private transient ValueState<List<AlertAnalysis.Evidence>> recent;
  private transient Counter repeats;
  private transient Counter analysed;
  private transient Counter duplicates;

  public IncomingAlertAnalysisFunction(long lookback, long lookahead, long retention) {
    this.lookback = lookback;
    this.lookahead = lookahead;
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    episodes =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor(
                    "alertmanager-episodes",
                    Types.LIST(TypeInformation.of(IncomingAlert.class)),
                    retention));
    recent =
        getRuntimeContext()
            .getState(
                ExpiringState.descriptor(
                    "service-anomalies",
                    Types.LIST(TypeInformation.of(AlertAnalysis.Evidence.class)),
                    retention));
    var group = VigilMetrics.of(getRuntimeContext());
    repeats = group.counter("alertmanagerRepeats");
    analysed = group.counter("alertmanagerAnalyses");
    duplicates = group.counter("alertmanagerEvidenceDuplicates");
  }

  @Override
  public void processElement1(IncomingAlert alert, Context ctx, Collector<IncomingAlertRow> out)
      throws Exception {
    long now = ctx.timestamp() != null ? ctx.timestamp() : System.currentTimeMillis();
    List<IncomingAlert> held = episodes.value() == null ? new ArrayList<>() : episodes.value();
    IncomingAlert last = null;
    for (IncomingAlert e : held) {
      if (e.fingerprint().equals(alert.fingerprint())) {
        last = e;
      }
    }
    if (last != null && alert.startsAt() < last.startsAt()) {
      if (!alert.firing()) {
        out.collect(new IncomingAlertRow(alert, null, 0, "resolved", now));
      } else {
        repeats.inc();
      }
      return;
    }
    boolean sameEpisode = last != null && alert.startsAt() == last.startsAt();
    if (sameEpisode && (last.firing() == alert.firing() || !last.firing())) {
      // a repeat, or a firing notification overtaken by the resolution of its episode
      repeats.inc();
      return;
    }
    String analysis = null;
    long analyzedAt = 0;
    if (IncomingAlert.ANALYZE.equals(alert.action()) && (alert.firing() || !sameEpisode)) {
      analysis = AlertAnalysis.explain(alert, evidence(), lookback, lookahead);
      analyzedAt = System.currentTimeMillis();
      analysed.inc();
    }
    out.collect(
        new IncomingAlertRow(
            alert, analysis, analyzedAt, alert.firing() ? "firing" : "resolved", now));
    List<IncomingAlert> kept = new ArrayList<>();
    for (IncomingAlert e : held) {
      boolean stale = !e.firing() && e.endsAt() < now - RESOLVED_KEPT_MS;
      if (!e.fingerprint().equals(alert.fingerprint()) && !stale) {
        kept.add(e);
      }
    }
    kept.add(alert);
    episodes.update(kept);
  }

  @Override
  public void processElement2(ServiceEvidence in, Context ctx, Collector<IncomingAlertRow> out)
      throws Exception {
    List<AlertAnalysis.Evidence> list = evidence();
    AlertAnalysis.Evidence added = in.evidence();
    // the same anomaly twice (the job's own, back from the anomalies topic; a replay): kept once,
    // the later version if it changed (a silence's row is updated when it lasts); an alert's
    // firing and its silencing are one episode (one id)
    if (list.contains(added)) {
      duplicates.inc();
      return;
    }
    list.removeIf(e -> e.anomalyId().equals(added.anomalyId()));
    list.add(added);
    long newest = list.stream().mapToLong(AlertAnalysis.Evidence::timestamp).max().orElse(0);
    list.removeIf(e -> e.timestamp() < newest - lookback - lookahead);
    list.sort(Comparator.comparingLong(AlertAnalysis.Evidence::timestamp));
    if (list.size() > MAX_RECENT) {
      list = new ArrayList<>(list.subList(list.size() - MAX_RECENT, list.size()));
    }
    recent.update(list);
    List<IncomingAlert> held = episodes.value();
    if (held == null) {
      return;
    }
    for (IncomingAlert e : held) {
      if (e.firing()
          && IncomingAlert.ANALYZE.equals(e.action())
          && AlertAnalysis.inWindow(e.startsAt(), added.timestamp(), lookback, lookahead)) {
        long now = System.currentTimeMillis();
        analysed.inc();
        out.collect(
            new IncomingAlertRow(
                e, AlertAnalysis.explain(e, list, lookback, lookahead), now, "analysis", now));
      }
    }
  }

  private List<AlertAnalysis.Evidence> evidence() throws Exception {
    List<AlertAnalysis.Evidence> v = recent.value();
    return v == null ? new ArrayList<>() : new ArrayList<>(v);
  }
}
