package io.vigil.jobs.alerts.functions;

import io.vigil.common.alerts.Signal;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import io.vigil.common.rules.RuleMatcher;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.core.VigilMetrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Matches metric points or anomalies against the broadcast rules and routes each resulting {@link
 * RuleEvent} to the side output of its evaluator. The main output carries nothing (it did carry the
 * threshold HIT/CLEAR signals, which {@link ThresholdChangeFunction} now sends for the events it
 * forwards).
 *
 * @param <T> {@link MetricPoint} or {@link Anomaly}
 */
public class RuleRouterFunction<T> extends BroadcastProcessFunction<T, ControlSnapshot, Signal> {

  /** Side outputs by route, named {@code rule-events-<route>}. */
  public static final Map<Route, OutputTag<RuleEvent>> ROUTES = routes();

  private final long maxWindowMs;
  private final ControlBootstrap bootstrap;
  private transient ControlPlaneState control;
  private transient Counter routed;
  private transient Counter tooLong;

  /**
   * Events of rules whose window exceeds {@code maxWindowMs} (the CEP bound) are dropped; {@code
   * bootstrap} reads the rules for elements that arrive before the first broadcast snapshot.
   */
  public RuleRouterFunction(long maxWindowMs, ControlBootstrap bootstrap) {
    this.maxWindowMs = maxWindowMs;
    this.bootstrap = bootstrap;
  }

  private static Map<Route, OutputTag<RuleEvent>> routes() {
    Map<Route, OutputTag<RuleEvent>> m = new EnumMap<>(Route.class);
    for (Route r : Route.values()) {
      m.put(r, new OutputTag<>("rule-events-" + r.name().toLowerCase(), typeInfo()) {});
    }
    return m;
  }

  private static org.apache.flink.api.common.typeinfo.TypeInformation<RuleEvent> typeInfo() {
    return org.apache.flink.api.common.typeinfo.TypeInformation.of(RuleEvent.class);
  }

  @Override
  public void open(OpenContext ctx) {
    control = new ControlPlaneState(bootstrap);
    routed = VigilMetrics.of(getRuntimeContext()).counter("ruleEventsRouted");
    tooLong = VigilMetrics.of(getRuntimeContext()).counter("ruleEventsWindowTooLong");
  }

  @Override
  public void processElement(T value, ReadOnlyContext ctx, Collector<Signal> out) throws Exception {
    var plane = control.get(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR));
    if (plane.rules().isEmpty()) {
      return;
    }
    List<RuleEvent> events =
        value instanceof MetricPoint p
            ? RuleMatcher.forPoint(plane.index(), p)
            : RuleMatcher.forAnomaly(plane.index(), (Anomaly) value);
    for (RuleEvent e : events) {
      if (e.windowMs() > maxWindowMs && e.route() != Route.ABSENCE) {
        tooLong.inc();
        continue;
      }
      ctx.output(ROUTES.get(e.route()), e);
      routed.inc();
    }
  }

  @Override
  public void processBroadcastElement(ControlSnapshot s, Context ctx, Collector<Signal> out)
      throws Exception {
    ControlPlaneState.store(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR), s);
  }
}
