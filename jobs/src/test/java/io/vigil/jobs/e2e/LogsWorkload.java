package io.vigil.jobs.e2e;

import io.vigil.common.codec.LogJsonCodec;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.logs.TemplateIds;
import io.vigil.common.logs.TemplateMiner;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.testing.TestKafka;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A deterministic log stream for the end-to-end tests: {@code services} services (five tenants) of
 * {@code minutes} minutes of ordinary logs, about 30 lines a minute each, with an error burst of a
 * new template for three minutes in every seventh service, and malformed records interleaved. Every
 * minute of a service travels as one Kafka record of JSON lines keyed by the service, so a
 * service's lines keep their order within one partition, which makes the mined templates the same
 * in every run.
 */
final class LogsWorkload {
  static final long MINUTE = 60_000;
  static final int BURST_MINUTES = 3;
  static final String BURST_ERROR = "database connection pool exhausted after";

  /** The header format for raw lines the job is configured with (a raw line must fit it). */
  static final String RAW_FORMAT = "<Date> <Time> <Level> <Component>: <Content>";

  private final int services;
  private final int minutes;
  private final long base;

  LogsWorkload(int services, int minutes, long base) {
    this.services = services;
    this.minutes = minutes;
    this.base = base;
  }

  long base() {
    return base;
  }

  static String tenant(int s) {
    return "tenant-" + (s % 5);
  }

  static String service(int s) {
    return "logsvc-" + s;
  }

  /** The minute a burst starts in service s, or -1. */
  int burstAt(int s) {
    return s % 7 == 2 ? minutes / 2 + (s * 13) % (minutes / 4) : -1;
  }

  /** The services with a burst, as "tenant/service@minute". */
  List<String> bursts() {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < services; s++) {
      if (burstAt(s) >= 0) {
        out.add(tenant(s) + "/" + service(s) + "@" + burstAt(s));
      }
    }
    return out;
  }

  long lineCount() {
    long n = 0;
    for (int s = 0; s < services; s++) {
      n += events(s).size();
    }
    return n;
  }

  /** The log events of service s in time order; the same on every call. */
  List<LogEvent> events(int s) {
    Random r = new Random(5000L + s);
    String tenant = tenant(s);
    String service = service(s);
    int burst = burstAt(s);
    List<LogEvent> out = new ArrayList<>();
    for (int m = 0; m < minutes; m++) {
      int lines = 25 + r.nextInt(11);
      List<LogEvent> minute = new ArrayList<>();
      for (int i = 0; i < lines; i++) {
        minute.add(ordinary(r, tenant, service, base + m * MINUTE + i * (MINUTE / lines)));
      }
      if (burst >= 0 && m >= burst && m < burst + BURST_MINUTES) {
        for (int i = 0; i < 50; i++) {
          minute.add(
              new LogEvent(
                  tenant,
                  service,
                  base + m * MINUTE + i * (MINUTE / 50) + 7,
                  LogLevels.ERROR,
                  BURST_ERROR + " " + (2000 + r.nextInt(3000)) + " ms waiting for pool db-main",
                  Map.of("user_id", "u" + r.nextInt(40))));
        }
        minute.sort(Comparator.comparingLong(LogEvent::timestamp));
      }
      out.addAll(minute);
    }
    return out;
  }

  private static LogEvent ordinary(Random r, String tenant, String service, long t) {
    int k = r.nextInt(100);
    String user = "u" + r.nextInt(500);
    if (k < 40) {
      return ev(
          tenant,
          service,
          t,
          LogLevels.INFO,
          "GET /api/items/" + r.nextInt(99999) + " 200 in " + r.nextInt(80) + " ms",
          user);
    } else if (k < 65) {
      return ev(
          tenant,
          service,
          t,
          LogLevels.INFO,
          "user " + user + " updated order " + r.nextInt(999999),
          user);
    } else if (k < 82) {
      return ev(
          tenant,
          service,
          t,
          LogLevels.DEBUG,
          "cache lookup for key item:" + r.nextInt(9999) + " hit",
          null);
    } else if (k < 95) {
      return ev(
          tenant,
          service,
          t,
          LogLevels.WARN,
          "slow response from node-" + r.nextInt(9) + " after " + (200 + r.nextInt(800)) + " ms",
          null);
    }
    return ev(
        tenant,
        service,
        t,
        LogLevels.ERROR,
        "payment declined code=" + (100 + r.nextInt(5)) + " for order " + r.nextInt(999999),
        user);
  }

  private static LogEvent ev(
      String tenant, String service, long t, String level, String msg, String user) {
    return new LogEvent(
        tenant, service, t, level, msg, user == null ? Map.of() : Map.of("user", user));
  }

  /**
   * Sends minute after minute, every service's lines of that minute as one record of JSON lines,
   * and {@code badEvery}-th message a malformed record after it. Returns the malformed records'
   * coordinates (each makes exactly one dead letter).
   */
  List<MetricsWorkload.BadRecord> produce(String bootstrap, String topic, int badEvery)
      throws Exception {
    List<List<LogEvent>> all = new ArrayList<>(services);
    for (int s = 0; s < services; s++) {
      all.add(events(s));
    }
    int[] next = new int[services];
    List<MetricsWorkload.BadRecord> bad = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Exception> failure = new AtomicReference<>();
    Callback check =
        (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        };
    try (KafkaProducer<byte[], byte[]> producer = TestKafka.producer(bootstrap)) {
      int sent = 0;
      for (int m = 0; m < minutes; m++) {
        long end = base + (m + 1) * MINUTE;
        for (int s = 0; s < services; s++) {
          ByteArrayOutputStream lines = new ByteArrayOutputStream(4096);
          List<LogEvent> es = all.get(s);
          while (next[s] < es.size() && es.get(next[s]).timestamp() < end) {
            lines.write(LogJsonCodec.encode(es.get(next[s]++)));
            lines.write('\n');
          }
          byte[] key = service(s).getBytes(StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(topic, key, lines.toByteArray()), check);
          if (++sent % badEvery == 0) {
            int n = sent / badEvery;
            String kind = BAD_KINDS.get(n % BAD_KINDS.size());
            producer.send(
                new ProducerRecord<>(topic, key, badRecord(kind, end)),
                (md, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  } else {
                    bad.add(new MetricsWorkload.BadRecord(md.partition(), md.offset(), kind));
                  }
                });
          }
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return new ArrayList<>(bad);
  }

  static final List<String> BAD_KINDS =
      List.of(
          "not-json",
          "missing-timestamp",
          "ancient",
          "empty",
          "no-header",
          "otlp-without-body",
          "bad-utf8");

  private static byte[] badRecord(String kind, long ts) {
    String text =
        switch (kind) {
          case "not-json" -> "{not json";
          case "missing-timestamp" -> "{\"service\":\"logsvc-0\",\"message\":\"no time\"}";
          case "ancient" -> "{\"timestamp\":1,\"message\":\"too old\"}";
          case "empty" -> "";
          case "no-header" -> "this line has no header";
          case "otlp-without-body" ->
              "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\""
                  + ts * 1_000_000L
                  + "\"}]}]}]}";
          case "bad-utf8" -> null;
          default -> throw new IllegalArgumentException(kind);
        };
    return text == null
        ? new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}
        : text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What the input alone dictates: per "tenant/service", the live templates' line counts (a miner
   * fed the service's lines in order, merges resolved) and the lines per minute.
   */
  record Expected(
      Map<String, Map<String, Long>> templates, Map<String, Map<Long, Long>> perMinute) {}

  Expected expected() {
    Map<String, Map<String, Long>> templates = new TreeMap<>();
    Map<String, Map<Long, Long>> perMinute = new TreeMap<>();
    for (int s = 0; s < services; s++) {
      String scope = tenant(s) + "/" + service(s);
      TemplateMiner miner = new TemplateMiner(LogEvent.scope(tenant(s), service(s)));
      Map<Long, Long> arrival = new HashMap<>();
      Map<Long, Long> minutesOf = new TreeMap<>();
      for (LogEvent e : events(s)) {
        arrival.merge(miner.add(e.message()).templateId(), 1L, Long::sum);
        minutesOf.merge((e.timestamp() - base) / MINUTE, 1L, Long::sum);
      }
      Map<String, Long> counts = new TreeMap<>();
      arrival.forEach((id, n) -> counts.merge(TemplateIds.toHex(miner.resolve(id)), n, Long::sum));
      templates.put(scope, counts);
      perMinute.put(scope, minutesOf);
    }
    return new Expected(templates, perMinute);
  }
}
