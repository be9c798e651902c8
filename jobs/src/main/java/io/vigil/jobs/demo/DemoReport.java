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
                    + " explanation->>'why' FROM anomalies WHERE tenant = ? ORDER BY detected_at")) {
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
