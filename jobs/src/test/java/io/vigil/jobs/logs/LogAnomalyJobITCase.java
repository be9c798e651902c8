package io.vigil.jobs.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.AnomalyJsonCodec;
import io.vigil.common.codec.ErrorGroupJsonCodec;
import io.vigil.common.codec.LogJsonCodec;
import io.vigil.common.logs.ErrorGroupKey;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.logs.TemplateIds;
import io.vigil.common.logs.TemplateMiner;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.source.KafkaSources;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import io.vigil.jobs.testing.TestMiniCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The log job on a MiniCluster at parallelism 2 against the real Kafka and PostgreSQL: an hour of
 * logs of two services in all three input forms (JSON lines, OTLP JSON, raw lines), with an error
 * burst of a new template in one service, plus malformed records. Templates, error groups, feature
 * windows, the anomaly and the dead letters must come out exactly.
 */
class LogAnomalyJobITCase {
  private static final long MINUTE = 60_000;
  private static final long BASE = Instant.parse("2025-03-03T09:00:00Z").toEpochMilli();
  private static final int MINUTES = 60;
  private static final int BURST_FROM = 50;
  private static final int BURST_TO = 53;
  private static final int OTLP_MINUTE = 30;
  private static final int RAW_MINUTE = 40;
  private static final String TENANT = "acme";
  private static final String NEW_ERROR = "database connection pool exhausted after";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter RAW_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS").withZone(ZoneOffset.UTC);

  @RegisterExtension static final MiniClusterExtension CLUSTER = TestMiniCluster.twoSlots();

  @Test
  void minesTemplatesGroupsErrorsScoresWindowsAndFindsTheBurst() throws Exception {
    LocalServices services = LocalServices.get();
    String run = "logit" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String topic = run + ".logs";
    String dlq = run + ".logs.dlq";
    Map<String, String> conf = LogItConfig.create(services, run);
    conf.put("kafka.bounded", "true");
    conf.put("logs.raw-format", "<Date> <Time> <Level> <Component>: <Content>");
    conf.put("logs.default-tenant", TENANT);
    conf.put("logs.default-service", "search");
    conf.put("event-time.max-out-of-orderness", "2m");
    VigilConfig config = VigilConfig.fromMap(conf, Map.of());
    LogAnomalyJob.prepareDatabase(config);

    Map<String, List<LogEvent>> byService = generate();
    List<byte[]> bad = badRecords();
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(services.kafkaBootstrap())) {
      for (byte[] b : bad) {
        TestKafka.send(producer, topic, "bad".getBytes(StandardCharsets.UTF_8), b);
      }
      for (int minute = 0; minute < MINUTES; minute++) {
        for (String service : byService.keySet()) {
          List<LogEvent> es = inMinute(byService.get(service), minute);
          byte[] key = service.getBytes(StandardCharsets.UTF_8);
          TestKafka.send(producer, topic, key, encode(service, minute, es));
        }
      }
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    org.apache.flink.configuration.Configuration flink =
        io.vigil.jobs.metrics.MetricsAnomalyJob.flinkConfiguration(config);
    // a failure must fail the test, not restart forever
    flink.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(flink);
    env.setParallelism(2);
    var windows =
        LogAnomalyJob.buildPipeline(
            env, KafkaSources.raw(config, topic, run), LogAnomalyJob.Sinks.from(config), config);
    LogAnomalyJob.publishAnomalies(windows, config);
    env.execute("logs-it");

    try (Connection c = ModelRegistry.connect(config);
        Statement st = c.createStatement()) {
      for (String service : byService.keySet()) {
        assertTemplates(st, service, byService.get(service));
        assertFeatureWindows(st, service, byService.get(service));
      }
      assertErrorGroups(st, byService.get("checkout"));
      assertAnomalies(st);
      assertPublished(services, run + ".anomalies", st);
      assertPublishedErrorGroups(services, run + ".error-groups", st);
      assertCatalog(st, byService);
      assertDataSources(st, topic);
    }
    assertDeadLetters(services, topic, dlq, bad.size());
  }

  /** log_templates holds exactly what a miner fed the same events holds, with exact counts. */
  private static void assertTemplates(Statement st, String service, List<LogEvent> events)
      throws Exception {
    TemplateMiner miner = new TemplateMiner(LogEvent.scope(TENANT, service));
    Map<Long, Long> arrival = new HashMap<>();
    for (LogEvent e : events) {
      arrival.merge(miner.add(e.message()).templateId(), 1L, Long::sum);
    }
    Map<String, Long> expected = new HashMap<>();
    arrival.forEach((id, n) -> expected.merge(TemplateIds.toHex(miner.resolve(id)), n, Long::sum));
    Map<String, String> texts = new HashMap<>();
    miner.templates().forEach(t -> texts.put(TemplateIds.toHex(t.id()), t.template()));

    Map<String, Long> actual = new HashMap<>();
    Map<String, String> actualTexts = new HashMap<>();
    ResultSet rs =
        st.executeQuery(
            "SELECT template_id, template, count, first_seen FROM log_templates WHERE tenant = 'acme'"
                + " AND service = '"
                + service
                + "' AND alias_of IS NULL");
    while (rs.next()) {
      actual.put(rs.getString(1), rs.getLong(3));
      actualTexts.put(rs.getString(1), rs.getString(2));
      assertThat(rs.getTimestamp(4).getTime()).isGreaterThanOrEqualTo(BASE);
    }
    assertThat(actual).as(service + " template counts").isEqualTo(expected);
    assertThat(actualTexts).as(service + " template texts").isEqualTo(texts);
    if (service.equals("checkout")) {
      assertThat(actualTexts.values()).anyMatch(t -> t.startsWith(NEW_ERROR));
    }
  }

  private static void assertFeatureWindows(Statement st, String service, List<LogEvent> events)
      throws Exception {
    Map<Long, Long> perMinute = new HashMap<>();
    events.forEach(e -> perMinute.merge((e.timestamp() - BASE) / MINUTE, 1L, Long::sum));
    ResultSet rs =
        st.executeQuery(
            "SELECT window_start, window_seconds, features FROM feature_windows WHERE tenant = 'acme'"
                + " AND service = '"
                + service
                + "' ORDER BY window_start");
    Map<Long, Long> actual = new HashMap<>();
    while (rs.next()) {
      assertThat(rs.getInt(2)).isEqualTo(60);
      JsonNode f = JSON.readTree(rs.getString(3));
      actual.put((rs.getTimestamp(1).getTime() - BASE) / MINUTE, f.get("events").asLong());
      assertThat(f.has("error_rate") && f.has("template_shift") && f.has("new_templates")).isTrue();
    }
    assertThat(actual).as(service + " events per window").isEqualTo(perMinute);
  }

  private static void assertErrorGroups(Statement st, List<LogEvent> checkout) throws Exception {
    TemplateMiner miner = new TemplateMiner(LogEvent.scope(TENANT, "checkout"));
    Map<Long, Long> counts = new HashMap<>();
    Map<Long, Set<String>> users = new HashMap<>();
    List<Long> ids = new ArrayList<>();
    for (LogEvent e : checkout) {
      long id = miner.add(e.message()).templateId();
      ids.add(id);
    }
    for (int i = 0; i < checkout.size(); i++) {
      LogEvent e = checkout.get(i);
      if (LogLevels.isError(e.severity())) {
        long g = miner.resolve(ids.get(i));
        counts.merge(g, 1L, Long::sum);
        users.computeIfAbsent(g, k -> new HashSet<>());
        if (e.user() != null) {
          users.get(g).add(e.user());
        }
      }
    }
    ResultSet rs =
        st.executeQuery(
            "SELECT error_hash, template_id, template, count, affected_users, affected_users_exact,"
                + " status FROM error_groups WHERE service = 'checkout' AND merged_into IS NULL");
    Map<String, Long> actual = new HashMap<>();
    boolean sawBurst = false;
    while (rs.next()) {
      long id = Long.parseUnsignedLong(rs.getString(2), 16);
      assertThat(rs.getString(1)).isEqualTo(ErrorGroupKey.hex(TENANT, "checkout", id));
      assertThat(rs.getLong(5)).as("affected users").isEqualTo(users.get(id).size());
      assertThat(rs.getBoolean(6)).isTrue();
      assertThat(rs.getString(7)).isEqualTo("open");
      actual.put(rs.getString(2), rs.getLong(4));
      sawBurst |= rs.getString(3).startsWith(NEW_ERROR);
    }
    Map<String, Long> expected = new HashMap<>();
    counts.forEach((id, n) -> expected.put(TemplateIds.toHex(id), n));
    assertThat(actual).isEqualTo(expected);
    assertThat(sawBurst).isTrue();
  }

  private static void assertAnomalies(Statement st) throws Exception {
    ResultSet rs =
        st.executeQuery(
            "SELECT a.source, a.metric, a.detected_at, a.explanation, a.feature_window_id,"
                + " f.window_start, a.kind FROM anomalies a LEFT JOIN feature_windows f"
                + " ON f.id = a.feature_window_id ORDER BY a.detected_at");
    List<String> where = new ArrayList<>();
    JsonNode first = null;
    while (rs.next()) {
      long minute = (rs.getTimestamp(3).getTime() - BASE) / MINUTE;
      where.add(rs.getString(1) + "@" + minute);
      assertThat(rs.getString(2)).isEqualTo("logs");
      assertThat(rs.getString(7)).isEqualTo("log");
      assertThat(rs.getString(5)).isNotNull();
      assertThat(rs.getTimestamp(6)).isEqualTo(rs.getTimestamp(3));
      if (first == null) {
        first = JSON.readTree(rs.getString(4));
      }
    }
    assertThat(where)
        .as("log anomalies: the burst and nothing else")
        .isNotEmpty()
        .allMatch(w -> w.startsWith("checkout@"))
        .allMatch(
            w -> {
              int m = Integer.parseInt(w.substring(w.indexOf('@') + 1));
              return m >= BURST_FROM && m < BURST_TO + 1;
            });
    assertThat(where).contains("checkout@" + BURST_FROM);
    assertThat(first.get("new_templates").toString()).contains(NEW_ERROR);
    List<String> features = new ArrayList<>();
    first.get("features").forEach(f -> features.add(f.get("name").asText()));
    assertThat(features).contains("error_rate", "template_shift");
    assertThat(first.get("why").asText()).contains(NEW_ERROR);
  }

  /** Every service that logged is in the catalog, first seen at its first line. */
  private static void assertCatalog(Statement st, Map<String, List<LogEvent>> byService)
      throws Exception {
    Map<String, Long> expected = new HashMap<>();
    byService.forEach(
        (service, events) ->
            expected.put(
                service, events.stream().mapToLong(LogEvent::timestamp).min().getAsLong()));
    Map<String, Long> actual = new HashMap<>();
    ResultSet rs =
        st.executeQuery(
            "SELECT s.slug, s.first_seen, s.signals::text, t.slug FROM services s"
                + " JOIN tenants t ON t.id = s.tenant_id");
    while (rs.next()) {
      actual.put(rs.getString(1), rs.getTimestamp(2).getTime());
      assertThat(rs.getString(3)).isEqualTo("{logs}");
      assertThat(rs.getString(4)).isEqualTo(TENANT);
    }
    assertThat(actual).isEqualTo(expected);
  }

  /** The three forms the lines came in are the tenant's data sources, with when they were seen. */
  private static void assertDataSources(Statement st, String topic) throws Exception {
    ResultSet rs =
        st.executeQuery(
            "SELECT t.slug, d.name, d.type, d.config->>'signal', d.first_seen <= d.last_seen"
                + " FROM data_sources d JOIN tenants t ON t.id = d.tenant_id");
    List<String> sources = new ArrayList<>();
    while (rs.next()) {
      assertThat(rs.getString(4)).isEqualTo("logs");
      assertThat(rs.getBoolean(5)).as("first seen, then last seen").isTrue();
      sources.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
    }
    assertThat(sources)
        .containsExactlyInAnyOrder(
            TENANT + " vigil-json via " + topic + " service",
            TENANT + " otlp-json via " + topic + " otel-collector",
            TENANT + " raw-lines via " + topic + " other");
  }

  /** Each anomaly row is on the anomalies topic once, with its id, keyed by service. */
  private static void assertPublished(LocalServices services, String topic, Statement st)
      throws Exception {
    List<String> rows = new ArrayList<>();
    ResultSet rs = st.executeQuery("SELECT id::text FROM anomalies ORDER BY id");
    while (rs.next()) {
      rows.add(rs.getString(1));
    }
    List<String> published = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        TestKafka.readCommitted(
            services.kafkaBootstrap(), topic, rows.size(), Duration.ofSeconds(60))) {
      AnomalyJsonCodec.Result a = AnomalyJsonCodec.decode(r.value());
      assertThat(a.error()).isNull();
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme/checkout");
      assertThat(a.anomaly().metric()).isEqualTo("logs");
      assertThat(a.anomaly().explanationJson()).contains("\"component\":\"log-window\"");
      published.add(a.anomaly().id());
    }
    assertThat(published).isNotEmpty().containsExactlyInAnyOrderElementsOf(rows);
  }

  /**
   * Every error_groups row is on the error-groups topic, keyed by service: the last message of its
   * error hash carries the row's figures (the topic is the table's changelog).
   */
  private static void assertPublishedErrorGroups(LocalServices services, String topic, Statement st)
      throws Exception {
    Map<String, String> rows = new HashMap<>();
    ResultSet rs =
        st.executeQuery(
            "SELECT error_hash, service, count, (extract(epoch FROM first_seen) * 1000)::bigint,"
                + " (extract(epoch FROM last_seen) * 1000)::bigint, coalesce(merged_into, '-')"
                + " FROM error_groups");
    while (rs.next()) {
      rows.put(
          rs.getString(1),
          rs.getString(2)
              + " "
              + rs.getLong(3)
              + " "
              + rs.getLong(4)
              + " "
              + rs.getLong(5)
              + " "
              + rs.getString(6));
    }
    Map<String, String> latest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        TestKafka.readCommitted(
            services.kafkaBootstrap(), topic, rows.size(), Duration.ofSeconds(60))) {
      ErrorGroupJsonCodec.Result g = ErrorGroupJsonCodec.decode(r.value());
      assertThat(g.error()).isNull();
      assertThat(new String(r.key(), StandardCharsets.UTF_8))
          .isEqualTo(TENANT + "/" + g.group().service());
      latest.put(
          g.group().errorHash(),
          g.group().service()
              + " "
              + g.group().count()
              + " "
              + g.group().firstSeen()
              + " "
              + g.group().lastSeen()
              + " "
              + (g.group().mergedInto() == null ? "-" : g.group().mergedInto()));
    }
    assertThat(rows).isNotEmpty();
    assertThat(latest).isEqualTo(rows);
  }

  private static void assertDeadLetters(
      LocalServices services, String topic, String dlq, int expected) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> dead =
        TestKafka.readCommitted(services.kafkaBootstrap(), dlq, expected, Duration.ofSeconds(60));
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      JsonNode n = JSON.readTree(r.value());
      reasons.add(n.get("reason").asText());
      assertThat(n.get("topic").asText()).isEqualTo(topic);
      assertThat(n.get("stage").asText()).isEqualTo("parse");
    }
    assertThat(reasons)
        .hasSize(expected)
        .anyMatch(s -> s.startsWith("invalid JSON"))
        .anyMatch(s -> s.equals("missing field 'timestamp'"))
        .anyMatch(s -> s.startsWith("timestamp 1 outside the accepted range"))
        .anyMatch(s -> s.equals("empty message"))
        .anyMatch(s -> s.startsWith("line does not fit logs.raw-format"))
        .anyMatch(s -> s.endsWith("missing or empty 'body'"));
  }

  // ------------------------------------------------------------------ data

  /** An hour of two services' logs; checkout gets an error burst of a new template. */
  private static Map<String, List<LogEvent>> generate() {
    Random r = new Random(7);
    Map<String, List<LogEvent>> out = new LinkedHashMap<>();
    List<LogEvent> checkout = new ArrayList<>();
    List<LogEvent> search = new ArrayList<>();
    for (int m = 0; m < MINUTES; m++) {
      for (int i = 0; i < 40; i++) {
        long t = BASE + m * MINUTE + i * 1500L;
        checkout.add(checkoutEvent(r, t));
        search.add(searchEvent(r, t));
      }
      if (m >= BURST_FROM && m < BURST_TO) {
        for (int i = 0; i < 60; i++) {
          long t = BASE + m * MINUTE + i * 1000L + 500;
          String user = "u" + r.nextInt(30);
          checkout.add(
              new LogEvent(
                  TENANT,
                  "checkout",
                  t,
                  LogLevels.ERROR,
                  NEW_ERROR + " " + (2000 + r.nextInt(3000)) + " ms waiting for pool db-main",
                  Map.of("user_id", user)));
        }
      }
    }
    checkout.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
    out.put("checkout", checkout);
    out.put("search", search);
    return out;
  }

  private static LogEvent checkoutEvent(Random r, long t) {
    int k = r.nextInt(100);
    String user = "u" + r.nextInt(500);
    if (k < 45) {
      return ev(
          "checkout",
          t,
          LogLevels.INFO,
          "GET /cart/" + r.nextInt(99999) + " 200 in " + r.nextInt(80) + " ms",
          user);
    } else if (k < 75) {
      return ev(
          "checkout",
          t,
          LogLevels.INFO,
          "user " + user + " added item sku-" + r.nextInt(9999) + " to cart",
          user);
    } else if (k < 90) {
      return ev(
          "checkout",
          t,
          LogLevels.DEBUG,
          "cache lookup for key cart:" + r.nextInt(9999) + " hit",
          null);
    } else if (k < 97) {
      return ev(
          "checkout",
          t,
          LogLevels.WARN,
          "retrying payment call attempt " + (1 + r.nextInt(3)),
          user);
    }
    return ev(
        "checkout", t, LogLevels.ERROR, "payment declined code=" + (100 + r.nextInt(5)), user);
  }

  private static LogEvent searchEvent(Random r, long t) {
    int k = r.nextInt(100);
    if (k < 60) {
      return ev(
          "search",
          t,
          LogLevels.INFO,
          "query took " + r.nextInt(300) + " ms results=" + r.nextInt(50),
          null);
    } else if (k < 85) {
      return ev(
          "search", t, LogLevels.INFO, "index segment merged " + r.nextInt(100000) + " docs", null);
    } else if (k < 98) {
      return ev("search", t, LogLevels.WARN, "slow shard response from node-" + r.nextInt(9), null);
    }
    return ev("search", t, LogLevels.ERROR, "shard failure on node-" + r.nextInt(9), null);
  }

  private static LogEvent ev(String service, long t, String level, String msg, String user) {
    return new LogEvent(
        TENANT, service, t, level, msg, user == null ? Map.of() : Map.of("user", user));
  }

  private static List<LogEvent> inMinute(List<LogEvent> es, int minute) {
    long from = BASE + minute * MINUTE;
    return es.stream().filter(e -> e.timestamp() >= from && e.timestamp() < from + MINUTE).toList();
  }

  /** Search's minute 30 goes as OTLP JSON, its minute 40 as raw lines; the rest as JSON lines. */
  private static byte[] encode(String service, int minute, List<LogEvent> es) throws Exception {
    if (service.equals("search") && minute == OTLP_MINUTE) {
      return otlp(es);
    }
    StringBuilder b = new StringBuilder();
    for (LogEvent e : es) {
      if (service.equals("search") && minute == RAW_MINUTE) {
        // raw lines carry no attributes: the search events have none
        b.append(RAW_TIME.format(Instant.ofEpochMilli(e.timestamp())))
            .append(' ')
            .append(e.severity())
            .append(" SearchService: ")
            .append(e.message());
      } else {
        b.append(new String(LogJsonCodec.encode(e), StandardCharsets.UTF_8));
      }
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] otlp(List<LogEvent> es) throws Exception {
    var root = JSON.createObjectNode();
    var rl = root.putArray("resourceLogs").addObject();
    var attrs = rl.putObject("resource").putArray("attributes");
    attrs.addObject().put("key", "service.name").putObject("value").put("stringValue", "search");
    attrs.addObject().put("key", "tenant").putObject("value").put("stringValue", TENANT);
    var records = rl.putArray("scopeLogs").addObject().putArray("logRecords");
    for (LogEvent e : es) {
      var lr = records.addObject();
      lr.put("timeUnixNano", String.valueOf(e.timestamp() * 1_000_000L));
      lr.put("severityText", e.severity());
      lr.putObject("body").put("stringValue", e.message());
    }
    return JSON.writeValueAsBytes(root);
  }

  private static List<byte[]> badRecords() {
    List<byte[]> out = new ArrayList<>();
    out.add("{not json".getBytes(StandardCharsets.UTF_8));
    out.add("{\"service\":\"checkout\",\"message\":\"no time\"}".getBytes(StandardCharsets.UTF_8));
    out.add("{\"timestamp\":1,\"message\":\"too old\"}".getBytes(StandardCharsets.UTF_8));
    out.add(new byte[0]);
    out.add("this line has no header".getBytes(StandardCharsets.UTF_8));
    out.add(
        ("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\""
                + BASE * 1_000_000L
                + "\"}]}]}]}")
            .getBytes(StandardCharsets.UTF_8));
    return out;
  }
}
