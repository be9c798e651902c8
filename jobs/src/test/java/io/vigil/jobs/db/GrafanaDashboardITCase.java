package io.vigil.jobs.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.jobs.testing.LocalServices;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Every query of the provisioned Grafana dashboard ({@code docker/grafana/dashboards/vigil.json}):
 * the PostgreSQL ones run against the migrated schema, the InfluxQL ones against InfluxDB, each
 * with Grafana's macros and the dashboard variables filled in, and each returns the row written for
 * it, so a schema change that breaks a panel fails here.
 */
class GrafanaDashboardITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PG_UID = "vigil-postgres";
  private static final String INFLUX_UID = "vigil-influxdb";

  @Test
  void everyPanelAndVariableQueryRunsAndFindsItsRow() throws Exception {
    JsonNode dashboard =
        JSON.readTree(
            Files.readString(
                LocalServices.repositoryRoot().resolve("docker/grafana/dashboards/vigil.json")));
    List<String> sql = new ArrayList<>();
    List<String> influxql = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode t : panel.path("targets")) {
        String uid = t.path("datasource").path("uid").asText(panel.at("/datasource/uid").asText());
        if (uid.equals(PG_UID)) {
          sql.add(t.path("rawSql").asText());
        } else if (uid.equals(INFLUX_UID)) {
          influxql.add(t.path("query").asText());
        } else {
          throw new AssertionError("panel " + panel.path("title") + " uses data source " + uid);
        }
      }
    }
    for (JsonNode v : dashboard.at("/templating/list")) {
      assertThat(v.at("/datasource/uid").asText()).isEqualTo(PG_UID);
      sql.add(v.path("query").asText());
    }
    assertThat(sql).hasSizeGreaterThanOrEqualTo(9);
    assertThat(influxql).isNotEmpty();

    LocalServices s = LocalServices.get();
    String schema = "grafana" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String url = s.pgUrlWithSchema(schema);
    Flyway.configure(getClass().getClassLoader())
        .dataSource(url, s.pgUser(), s.pgPassword())
        .schemas(schema)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url, s.pgUser(), s.pgPassword());
        Statement st = c.createStatement()) {
      seed(st);
      for (String q : sql) {
        try (ResultSet rs = st.executeQuery(grafanaSql(q))) {
          assertThat(rs.next()).as("a row from%n%s", q).isTrue();
        }
      }
      // the feedback panels count each anomaly once, by its latest verdict
      try (ResultSet rs =
          st.executeQuery(
              grafanaSql(panelSql(dashboard, "Detector precision from on-call feedback")))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("detector")).isEqualTo("vigil-ensemble 7-24dab393");
        assertThat(rs.getInt("judged")).isEqualTo(1);
        assertThat(rs.getInt("false_alarms")).isEqualTo(1);
        assertThat(rs.getDouble("precision_pct")).isZero();
      }
      try (ResultSet rs = st.executeQuery(grafanaSql(panelSql(dashboard, "Services")))) {
        assertThat(rs.next()).isTrue();
        assertThat(
                rs.getString("service")
                    + " "
                    + rs.getInt("anomalies")
                    + " "
                    + rs.getInt("open_alerts"))
            .isEqualTo("web-1 1 1");
      }
      try (ResultSet rs = st.executeQuery(grafanaSql(panelSql(dashboard, "Data sources")))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("data_source") + " " + rs.getString("signal"))
            .isEqualTo("otlp-proto via vigil.metrics metrics");
      }
      try (ResultSet rs = st.executeQuery(grafanaSql(panelSql(dashboard, "Detector registry")))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("nab_standard")).isEqualTo("nab 75.5968");
      }
    }

    String db = schema;
    influx(s, "POST", "/query", "q=" + enc("CREATE DATABASE " + db));
    influx(
        s,
        "POST",
        "/write?db=" + db,
        "data_points,tenant=acme,source_id=web-1,metric_name=cpu value=42,anomaly_score=0.7 "
            + System.currentTimeMillis() * 1_000_000L);
    // two more series of the same metric, told apart by a tag (a histogram's p50 and p99)
    long now = System.currentTimeMillis() * 1_000_000L;
    influx(
        s,
        "POST",
        "/write?db=" + db,
        "data_points,tenant=acme,source_id=web-1,metric_name=cpu,quantile=0.5 value=1,anomaly_score=0 "
            + now
            + "\ndata_points,tenant=acme,source_id=web-1,metric_name=cpu,quantile=0.99"
            + " value=9,anomaly_score=0 "
            + now);
    for (String q : influxql) {
      JsonNode r =
          JSON.readTree(influx(s, "GET", "/query?db=" + db + "&q=" + enc(influxQl(q)), null));
      assertThat(r.toString()).as("InfluxDB answer to%n%s", q).doesNotContain("\"error\"");
      assertThat(r.at("/results/0/series/0/values").size()).as("points from%n%s", q).isPositive();
      assertThat(r.at("/results/0/series").size())
          .as("one line per series (the tags apart), not their average, from%n%s", q)
          .isEqualTo(3);
    }
    influx(s, "POST", "/query", "q=" + enc("DROP DATABASE " + db));
  }

  /**
   * One row for each panel: an anomaly of a registered model with on-call verdicts, a firing alert,
   * its failed notification, logs, drift.
   */
  private static void seed(Statement st) throws Exception {
    st.executeUpdate(
        "WITH t AS (INSERT INTO tenants (slug, name) VALUES ('acme', 'acme') RETURNING id)"
            + " INSERT INTO services (tenant_id, slug, name, first_seen, last_seen, signals)"
            + " SELECT id, 'web-1', 'web-1', now() - interval '1 day', now(), '{metrics}' FROM t");
    st.executeUpdate(
        "INSERT INTO data_sources (tenant_id, name, type, config, first_seen, last_seen)"
            + " SELECT id, 'otlp-proto via vigil.metrics', 'otel-collector', '{\"signal\":"
            + " \"metrics\"}', now() - interval '1 day', now() FROM tenants WHERE slug = 'acme'");
    String alert = UUID.randomUUID().toString();
    String anomaly = UUID.randomUUID().toString();
    String model = UUID.randomUUID().toString();
    st.executeUpdate(
        "INSERT INTO ml_models (id, algorithm, version, metrics) VALUES ('"
            + model
            + "', 'vigil-ensemble', '7-24dab393', '{\"backtests\": {\"nab\": {\"nab\":"
            + " {\"standard\": {\"score\": 75.5968}}, \"evaluated_at\":"
            + " \"2026-12-05T08:00:00Z\"}}}')");
    st.executeUpdate(
        "INSERT INTO anomalies (id, tenant, source, metric, series, value, score, severity,"
            + " explanation, detected_at, model_id) VALUES ('"
            + anomaly
            + "', 'acme', 'web-1', 'cpu', 'acme/web-1/cpu', 97, 0.8, 'high',"
            + " '{\"why\": \"level\", \"expected\": 40}', now(), '"
            + model
            + "')");
    // a verdict changed on second thought: the latest, a false alarm, is the one counted
    st.executeUpdate(
        "INSERT INTO feedback (anomaly_id, is_true_positive, author, created_at) VALUES ('"
            + anomaly
            + "', true, 'bob', now() - interval '1 minute'), ('"
            + anomaly
            + "', false, 'alice', now())");
    st.executeUpdate(
        "INSERT INTO alerts (id, fingerprint, tenant, severity, status, labels, starts_at,"
            + " rule_name) VALUES ('"
            + alert
            + "', 'fp1', 'acme', 'high', 'firing',"
            + " '{\"source\": \"web-1\", \"metric\": \"cpu\"}', now(), 'cpu high')");
    st.executeUpdate(
        "INSERT INTO notification_attempts (idempotency_key, channel, alert_id, fingerprint,"
            + " transition, attempt, outcome, detail) VALUES ('k1', 'oncall', '"
            + alert
            + "', 'fp1', 'firing', 1, 'failed', 'no channel oncall')");
    st.executeUpdate(
        "INSERT INTO feature_windows (id, tenant, service, window_start, window_seconds, features)"
            + " VALUES ('"
            + UUID.randomUUID()
            + "', 'acme', 'payments', now(), 60, '{\"error_rate\": 0.25, \"log_volume\": 4.1}')");
    st.executeUpdate(
        "INSERT INTO drift_events (id, environment, resource, drift_type, changes, severity,"
            + " severity_score, detected_at, updated_at) VALUES ('"
            + UUID.randomUUID()
            + "', 'prod', 'aws_security_group.web', 'modified',"
            + " '[{\"path\": \"/ingress/1\", \"change_type\": \"added\"}]', 'critical', 0.85,"
            + " now(), now())");
    st.executeUpdate(
        "INSERT INTO error_groups (tenant, service, error_hash, template_id, template, severity,"
            + " first_seen, last_seen, count, affected_users) VALUES ('acme', 'payments',"
            + " '0123456789abcdef', 'fedcba9876543210', 'card declined for <*>', 'error', now(),"
            + " now(), 3, 2)");
  }

  private static String panelSql(JsonNode dashboard, String title) {
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("title").asText().equals(title)) {
        return panel.at("/targets/0/rawSql").asText();
      }
    }
    throw new AssertionError("no panel " + title);
  }

  /** Grafana's PostgreSQL macros and the dashboard variables, as Grafana would fill them in. */
  private static String grafanaSql(String q) {
    return q.replaceAll(
            "\\$__timeFilter\\(([^)]+)\\)",
            "$1 BETWEEN now() - interval '1 day' AND now() + interval '1 minute'")
        .replace("$tenant", "acme")
        .replace("$source", "web-1")
        .replace("$metric", "cpu");
  }

  private static String influxQl(String q) {
    return q.replace("$timeFilter", "time > now() - 1d")
        .replace("$__interval", "1m")
        .replace("$tenant", "acme")
        .replace("$source", "web-1")
        .replace("$metric", "cpu");
  }

  private static String influx(LocalServices s, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.influxUrl() + path));
    if (method.equals("POST")) {
      b.header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("InfluxDB %s %s: %s", method, path, r.body()).isLessThan(300);
    return r.body();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
