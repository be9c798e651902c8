package io.vigil.jobs.demo;

import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.alerts.AlertingPipeline;
import io.vigil.jobs.alerts.AlertingSinks;
import io.vigil.jobs.alerts.sink.AlertsJdbcSink;
import io.vigil.jobs.alerts.source.ControlPlanePoller;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.metrics.MetricsAnomalyJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The demo's alert rules: seeded into alert_rules, evaluated by the real alerting pipeline. */
final class DemoAlerting {
  static final String RULES =
      """
      rules:
        - name: checkout latency above 400 ms for 2 minutes
          tenant: demo
          scope: {metric: latency_ms, source: checkout}
          condition: {kind: threshold, op: gt, value: 400}
          severity: high
          for: 2m
          auto_resolve: 5m
        - name: critical anomaly
          tenant: demo
          condition: {kind: anomaly, min_severity: critical}
          severity: critical
          auto_resolve: 30m
      """;

  private DemoAlerting() {}

  static void seedRules(VigilConfig config) throws SQLException {
    try (Connection c = ModelRegistry.connect(config)) {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM alerts WHERE tenant = 'demo'")) {
        st.executeUpdate();
      }
      io.vigil.jobs.alerts.RuleSeeder.seed(c, RULES);
    }
  }

  /** Alerting over the demo's streams; the rules are read once, since the demo input is bounded. */
  static void wire(
      StreamExecutionEnvironment env,
      DataStream<MetricPoint> points,
      DataStream<Anomaly> anomalies,
      VigilConfig config) {
    var a = MetricsAnomalyJob.alertingConfig(config);
    // Five days of event time pass in seconds here: re-check open alerts every 100 ms, not 15 s.
    var alerting =
        a.withTimings(a.controlPollInterval(), java.time.Duration.ofMillis(100), a.notifyBackoff());
    var rules =
        new ControlPlanePoller(
            config.get(VigilOptions.PG_URL),
            config.get(VigilOptions.PG_USER),
            config.get(VigilOptions.PG_PASSWORD));
    AlertingPipeline.build(
        env,
        points,
        anomalies,
        alerting,
        rules,
        true,
        new AlertingSinks(
            null,
            AlertsJdbcSink.create(alerting.pgUrl(), alerting.pgUser(), alerting.pgPassword()),
            null));
  }
}
