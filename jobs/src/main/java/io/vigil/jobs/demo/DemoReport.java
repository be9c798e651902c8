package io.vigil.jobs.demo;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.db.ModelRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** What the demo found, read back from PostgreSQL and compared with the injected incidents. */
final class DemoReport {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /**
   * An incident counts as caught when an anomaly of its series falls in its window or soon after.
   */
  private static final long GRACE = 30 * DemoScenario.MINUTE;

  private DemoReport() {}

  private record Row(
      String source,
      String metric,
      long at,
      double score,
      String severity,
      String component,
      String why) {}

  static long count(VigilConfig config) throws SQLException {
    try (Connection c = ModelRegistry.connect(config);
        PreparedStatement st =
            c.prepareStatement("SELECT count(*) FROM anomalies WHERE tenant = ?")) {
      st.setString(1, DemoScenario.TENANT);
      ResultSet rs = st.executeQuery();
      rs.next();
      return rs.getLong(1);
    }
  }

  static void print(VigilConfig config, DemoScenario scenario) throws SQLException {
    List<Row> rows = load(config);
    System.out.printf("Anomalies found: %d%n%n", rows.size());
    System.out.println("Injected incidents:");
    List<Row> explained = new ArrayList<>();
    int caught = 0;
    for (DemoScenario.Incident inc : scenario.incidents()) {
      List<Row> hits =
          rows.stream()
              .filter(r -> r.source().equals(inc.service()) && r.metric().equals(inc.metric()))
              .filter(r -> r.at() >= inc.start() && r.at() < inc.end() + GRACE)
              .toList();
      explained.addAll(hits);
      if (hits.isEmpty()) {
        System.out.printf(
            "  MISSED  %-12s %s/%s at %s (%s)%n",
            inc.kind(),
            inc.service(),
            inc.metric(),
            TIME.format(Instant.ofEpochMilli(inc.start())),
            inc.description());
        continue;
      }
      caught++;
      Row first = hits.get(0);
      System.out.printf(
          "  CAUGHT  %-12s %s/%s at %s (%s): first anomaly after %d min, %d anomal%s, max severity %s%n"
              + "          why: %s%n",
          inc.kind(),
          inc.service(),
          inc.metric(),
          TIME.format(Instant.ofEpochMilli(inc.start())),
          inc.description(),
          (first.at() - inc.start()) / DemoScenario.MINUTE,
          hits.size(),
          hits.size() == 1 ? "y" : "ies",
          hits.stream().map(Row::severity).max(DemoReport::bySeverity).orElse("?"),
          first.why());
    }
    List<Row> others = rows.stream().filter(r -> !explained.contains(r)).toList();
    System.out.printf(
        "%nCaught %d of %d incidents; %d anomal%s outside the incidents (false alarms or noise).%n",
        caught, scenario.incidents().size(), others.size(), others.size() == 1 ? "y" : "ies");
    if (!others.isEmpty()) {
      System.out.println("Anomalies outside the incidents (first 10):");
      others.stream()
          .limit(10)
          .forEach(
              r ->
                  System.out.printf(
                      "  %s %-9s/%-15s %-8s %.2f %s%n",
                      TIME.format(Instant.ofEpochMilli(r.at())),
                      r.source(),
                      r.metric(),
                      r.severity(),
                      r.score(),
                      r.why()));
    }
    System.out.printf(
        "%nQuery them yourself (the password is in %s):%n"
            + "  psql \"%s\" -c \"SELECT detected_at, severity, source, metric, round(score::numeric, 2) AS score,"
            + " explanation->>'why' AS why FROM anomalies WHERE tenant = 'demo' ORDER BY detected_at\"%n",
        "VIGIL_PG_PASSWORD / the services dir",
        config
            .get(VigilOptions.PG_URL)
            .replace("jdbc:", "")
            .replaceFirst("//", "//" + config.get(VigilOptions.PG_USER) + "@"));
  }

  /** The log job's findings: anomalies, top templates and error groups per service. */
  static void printAlerts(VigilConfig config) throws SQLException {
    try (Connection c = ModelRegistry.connect(config);
        PreparedStatement st =
            c.prepareStatement(
                "SELECT starts_at, ends_at, status, severity, rule_name, labels->>'source',"
                    + " labels->>'metric', annotations->>'description' FROM alerts"
                    + " WHERE tenant = 'demo' ORDER BY starts_at")) {
      ResultSet rs = st.executeQuery();
      System.out.printf("%nAlerts from the demo rules (alert_rules, evaluated with Flink CEP):%n");
      int n = 0;
      while (rs.next()) {
        n++;
        Timestamp end = rs.getTimestamp(2);
        System.out.printf(
            "  %-8s %-8s %s -> %s  %s  %s/%s%n",
            rs.getString(3),
            rs.getString(4),
            TIME.format(rs.getTimestamp(1).toInstant()),
            end == null ? "open " : TIME.format(end.toInstant()),
            rs.getString(5),
            rs.getString(6) == null ? "*" : rs.getString(6),
            rs.getString(7) == null ? "*" : rs.getString(7));
        if (rs.getString(8) != null) {
          System.out.printf("           why: %s%n", rs.getString(8));
        }
      }
      if (n == 0) {
        System.out.println("  none");
      }
    }
  }

  static void printLogs(VigilConfig config, DemoLogScenario logs) throws SQLException {
    try (Connection c = ModelRegistry.connect(config)) {
      System.out.printf(
          "%nLogs: injected an error burst in %s at %s (new message '%s...')%n",
          DemoLogScenario.BURST_SERVICE,
          TIME.format(Instant.ofEpochMilli(logs.burstStart())),
          DemoLogScenario.BURST_MESSAGE);
      System.out.printf(
          "Logs: %s logged nothing from %s for %d minutes%n",
          DemoLogScenario.SILENT_SERVICE,
          TIME.format(Instant.ofEpochMilli(logs.silenceStart())),
          DemoLogScenario.SILENT_MINUTES);
      System.out.println("Log anomalies:");
      query(
          c,
          "SELECT detected_at, source, severity, round(score::numeric, 2),"
              + " explanation->>'why' FROM anomalies WHERE tenant = ? AND kind = 'log'"
              + " ORDER BY detected_at",
          rs ->
              System.out.printf(
                  "  %s %-9s %-8s %.2f %s%n",
                  TIME.format(rs.getTimestamp(1).toInstant()),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getDouble(4),
                  rs.getString(5)));
      System.out.println("Top templates:");
      query(
          c,
          "SELECT service, template_id, count, template FROM (SELECT *, row_number() OVER"
              + " (PARTITION BY service ORDER BY count DESC) AS k FROM log_templates"
              + " WHERE tenant = ? AND alias_of IS NULL) t WHERE k <= 3 ORDER BY service, count DESC",
          rs ->
              System.out.printf(
                  "  %-9s %s %,7d  %s%n",
                  rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
      System.out.println("Error groups:");
      query(
          c,
          "SELECT service, error_hash, count, affected_users, status, template FROM error_groups"
              + " WHERE tenant = ? AND merged_into IS NULL ORDER BY count DESC LIMIT 10",
          rs ->
              System.out.printf(
                  "  %-9s %s %,6d events %4d users %-6s %s%n",
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getString(5),
                  rs.getString(6)));
      System.out.println("Services seen (the catalog in tenants and services):");
      query(
          c,
          "SELECT s.slug, array_to_string(s.signals, ', '), s.first_seen, s.last_seen"
              + " FROM services s JOIN tenants t ON t.id = s.tenant_id WHERE t.slug = ?"
              + " ORDER BY s.slug",
          rs ->
              System.out.printf(
                  "  %-9s %-13s first seen %s, last seen %s%n",
                  rs.getString(1),
                  rs.getString(2),
                  TIME.format(rs.getTimestamp(3).toInstant()),
                  TIME.format(rs.getTimestamp(4).toInstant())));
      System.out.println("Data sources (each form the data came in, on its topic):");
      query(
          c,
          "SELECT d.name, d.type, d.first_seen, d.last_seen FROM data_sources d"
              + " JOIN tenants t ON t.id = d.tenant_id WHERE t.slug = ? ORDER BY d.name",
          rs ->
              System.out.printf(
                  "  %-28s %-14s first seen %s, last seen %s%n",
                  rs.getString(1),
                  rs.getString(2),
                  TIME.format(rs.getTimestamp(3).toInstant()),
                  TIME.format(rs.getTimestamp(4).toInstant())));
    }
  }

  private interface RowPrinter {
    void print(ResultSet rs) throws SQLException;
  }

  private static void query(Connection c, String sql, RowPrinter p) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, DemoScenario.TENANT);
      ResultSet rs = st.executeQuery();
      while (rs.next()) {
        p.print(rs);
      }
    }
  }

  private static int bySeverity(String a, String b) {
    List<String> order = List.of("low", "medium", "high", "critical");
    return Integer.compare(order.indexOf(a), order.indexOf(b));
  }

  private static List<Row> load(VigilConfig config) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Connection c = ModelRegistry.connect(config);
        PreparedStatement st =
            c.prepareStatement(
                "SELECT source, metric, detected_at, score, severity, explanation->>'component',"
                    + " explanation->>'why' FROM anomalies WHERE tenant = ? AND kind = 'metric'"
                    + " ORDER BY detected_at")) {
      st.setString(1, DemoScenario.TENANT);
      ResultSet rs = st.executeQuery();
      while (rs.next()) {
        Timestamp ts = rs.getTimestamp(3);
        rows.add(
            new Row(
                rs.getString(1),
                rs.getString(2),
                ts.getTime(),
                rs.getDouble(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7)));
      }
    }
    return rows;
  }
}
