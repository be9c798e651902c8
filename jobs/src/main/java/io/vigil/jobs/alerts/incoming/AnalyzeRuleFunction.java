package io.vigil.jobs.alerts.incoming;

import io.vigil.common.alerts.AnalyzeRules;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.alerts.functions.ControlPlaneState;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides what Vigil does with each alert from Alertmanager: the first enabled {@code
 * auto_analyze_rules} row (by priority) matching its name and severity, else the configured default
 * action. The rules come with the alerting control plane's broadcast snapshots; before the first
 * one they are read once through the bootstrap.
 */
public final class AnalyzeRuleFunction
    extends BroadcastProcessFunction<IncomingAlert, ControlSnapshot, IncomingAlert> {
  private static final long serialVersionUID = 1L;
  private final String defaultAction;
  private final ControlBootstrap bootstrap;
  private transient String parsedFrom;
  private transient AnalyzeRules rules;

  public AnalyzeRuleFunction(String defaultAction, ControlBootstrap bootstrap) {
    this.defaultAction = defaultAction;
    this.bootstrap = bootstrap;
  }

  @Override
  public void processBroadcastElement(ControlSnapshot s, Context ctx, Collector<IncomingAlert> out)
      throws Exception {
    ControlPlaneState.store(ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR), s);
  }

  @Override
  public void processElement(IncomingAlert alert, ReadOnlyContext ctx, Collector<IncomingAlert> out)
      throws Exception {
    String json =
        ctx.getBroadcastState(ControlPlaneState.DESCRIPTOR).get(ControlPlaneState.ANALYZE_RULES);
    if (json == null) {
      json = parsedFrom != null ? parsedFrom : bootstrap.read().analyzeRulesJson();
    }
    if (rules == null || !json.equals(parsedFrom)) {
      rules = AnalyzeRules.parse(json);
      parsedFrom = json;
    }
    AnalyzeRules.Rule rule = rules.match(alert.alertName(), alert.labels().get("severity"));
    out.collect(
        rule == null
            ? alert.withRule("", defaultAction)
            : alert.withRule(rule.id(), rule.action()));
  }
}
