package io.vigil.jobs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.ErrorGroupJsonCodec;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one run of the log job wrote, every column but the database's own timestamps: the
 * mined templates, the error groups, the feature windows, the log anomalies and the dead letters;
 * and the error groups' figures twice, as the table holds them and as the last message of each
 * group on the error-groups topic says (both "tenant|service|hash|count|first|last|merged_into").
 */
record LogRunOutputs(
    String name,
    List<String> templates,
    List<String> errorGroups,
    List<String> featureWindows,
    List<String> anomalies,
    List<RunOutputs.DeadLetterRecord> deadLetters,
    List<String> errorGroupFigures,
    List<String> publishedErrorGroups) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static LogRunOutputs read(
      String name,
      String schema,
      LocalServices services,
      String dlq,
      int expectedDeadLetters,
      String errorGroupsTopic)
      throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                services.pgUrlWithSchema(schema), services.pgUser(), services.pgPassword());
        Statement st = c.createStatement()) {
      List<String> figures =
          rows(
              st,
              "SELECT tenant, service, error_hash, count, first_seen, last_seen, merged_into"
                  + " FROM error_groups ORDER BY tenant, service, error_hash");
      return new LogRunOutputs(
          name,
          rows(
              st,
              "SELECT tenant, service, template_id, count, alias_of, first_seen, last_seen, template,"
                  + " example FROM log_templates ORDER BY tenant, service, template_id"),
          rows(
              st,
              "SELECT tenant, service, error_hash, template_id, template, severity, example,"
                  + " first_seen, last_seen, count, affected_users, affected_users_exact, status,"
                  + " merged_into FROM error_groups ORDER BY tenant, service, error_hash"),
          rows(
              st,
              "SELECT id, tenant, service, window_start, window_seconds, features::text"
                  + " FROM feature_windows ORDER BY id"),
          rows(
              st,
              "SELECT tenant, source, detected_at, id, metric, series, value, score, severity,"
                  + " model_id, feature_window_id, explanation::text FROM anomalies"
                  + " WHERE kind = 'log' ORDER BY id"),
          RunOutputs.deadLetters(services, dlq, expectedDeadLetters),
          figures,
          published(services, errorGroupsTopic, figures.size()));
    }
  }

  /** The last message of each error group on the topic, as "tenant|service|hash|count|...". */
  private static List<String> published(LocalServices services, String topic, int groups) {
    Map<String, String> latest = new TreeMap<>();
    for (var r :
        TestKafka.readCommitted(services.kafkaBootstrap(), topic, groups, Duration.ofSeconds(60))) {
      ErrorGroupRow g = ErrorGroupJsonCodec.decode(r.value()).group();
      if (g == null) {
        latest.put("unusable " + r.partition() + ":" + r.offset(), new String(r.value()));
        continue;
      }
      latest.put(
          g.tenant() + "|" + g.service() + "|" + g.errorHash(),
          String.join(
              "|",
              g.tenant(),
              g.service(),
              g.errorHash(),
              String.valueOf(g.count()),
              String.valueOf(g.firstSeen()),
              String.valueOf(g.lastSeen()),
              String.valueOf(g.mergedInto())));
    }
    return new ArrayList<>(latest.values());
  }

  /** Each row as its columns joined by '|' (timestamps as epoch millis). */
  private static List<String> rows(Statement st, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          if (i > 1) {
            b.append('|');
          }
          Object v = rs.getObject(i);
          b.append(v instanceof java.sql.Timestamp t ? String.valueOf(t.getTime()) : v);
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  /** Per "tenant/service": the live (not merged) templates' counts by template id. */
  Map<String, Map<String, Long>> liveTemplateCounts() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (String row : templates) {
      String[] c = row.split("\\|", 6);
      if (!"null".equals(c[4])) {
        continue; // merged into another template: its lines are counted there
      }
      out.computeIfAbsent(c[0] + "/" + c[1], k -> new TreeMap<>()).put(c[2], Long.parseLong(c[3]));
    }
    return out;
  }

  /** Per "tenant/service": events per window, by minutes since {@code base}. */
  Map<String, Map<Long, Long>> eventsPerMinute(long base) throws Exception {
    Map<String, Map<Long, Long>> out = new TreeMap<>();
    for (String row : featureWindows) {
      String[] c = row.split("\\|", 6);
      JsonNode f = JSON.readTree(c[5]);
      out.computeIfAbsent(c[1] + "/" + c[2], k -> new TreeMap<>())
          .put((Long.parseLong(c[3]) - base) / LogsWorkload.MINUTE, f.path("events").asLong());
    }
    return out;
  }

  /** The log anomalies as "tenant/service@minute since base". */
  List<String> anomalyMinutes(long base) {
    List<String> out = new ArrayList<>();
    for (String row : anomalies) {
      String[] c = row.split("\\|", 4);
      out.add(c[0] + "/" + c[1] + "@" + (Long.parseLong(c[2]) - base) / LogsWorkload.MINUTE);
    }
    return out;
  }
}
