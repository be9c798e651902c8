package io.vigil.jobs.e2e;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.SeriesDetector;
import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A deterministic metrics stream for the end-to-end tests: {@code series} series of {@code points}
 * one-minute points each (level plus 2% noise), a spike injected into every 20th series, a one-hour
 * silence into every 100th, and malformed records interleaved. Points travel as JSON arrays of
 * {@code chunk} consecutive points of one series, keyed by series, so each series keeps its order
 * within its partition and the event-time disorder within a partition is below {@code chunk}
 * minutes. Beside them, {@link #HISTOGRAMS} latency histograms as cumulative Prometheus-style
 * bucket series ({@code latency_bucket} with {@code le}), each bucket its own series and so its own
 * messages and partition: the job scores their p50 / p90 / p99; one histogram's calls slow down for
 * a minute, another's sender restarts. Each histogram also sends its {@code latency_count},
 * unmarked (as remote write sends it, without a type) and keyed as its own series: the job must
 * find out from the buckets that it is a running total and score its per-second rate.
 */
final class MetricsWorkload {
  static final long MINUTE = 60_000;
  static final int GAP_FROM = 300;
  static final int GAP_TO = 360;
  static final int HISTOGRAMS = 4;
  static final double[] LE = {0.1, 0.5, 1, 5, Double.POSITIVE_INFINITY};
  static final List<String> QUANTILES = List.of("0.5", "0.9", "0.99");
  static final int LATENCY_SPIKE = 333;
  static final int SENDER_RESTART = 250;

  private final int series;
  private final int points;
  private final int chunk;
  private final long base;

  /** The Kafka coordinates of one malformed record, and the kind of damage. */
  record BadRecord(int partition, long offset, String kind) {}

  /** What the detector, run straight over the input, says every run must produce. */
  record Expected(
      Map<String, double[]> scores, Set<String> anomalies, Set<String> spikes, Set<String> gaps) {}

  MetricsWorkload(int series, int points, int chunk, long base) {
    this.series = series;
    this.points = points;
    this.chunk = chunk;
    this.base = base;
  }

  int seriesCount() {
    return series;
  }

  /** Messages per topic: one array per series and chunk of time. */
  int messageCount() {
    return series * ((points + chunk - 1) / chunk);
  }

  long pointCount() {
    long n = 0;
    for (int s = 0; s < series; s++) {
      n += points - (hasGap(s) ? GAP_TO - GAP_FROM : 0);
    }
    return n;
  }

  static boolean hasGap(int s) {
    return s % 100 == 7;
  }

  int spikeAt(int s) {
    return s % 20 == 3 ? 100 + new Random(s * 31L).nextInt(points - 150) : -1;
  }

  MetricPoint template(int s) {
    return new MetricPoint(
        "tenant-" + (s % 5),
        "svc-" + (s % 100),
        "m" + (s / 100),
        Map.of("host", "h" + (s % 7)),
        0,
        0);
  }

  /** The points of series s, in time order; the same on every call. */
  List<MetricPoint> points(int s) {
    MetricPoint t = template(s);
    Random r = new Random(1000L + s);
    double level = 20 + r.nextInt(200);
    int spike = spikeAt(s);
    List<MetricPoint> out = new ArrayList<>(points);
    for (int i = 0; i < points; i++) {
      double v = level + r.nextGaussian() * level * 0.02 + (i == spike ? level * 0.8 : 0);
      if (hasGap(s) && i >= GAP_FROM && i < GAP_TO) {
        continue;
      }
      out.add(new MetricPoint(t.tenant(), t.source(), t.metric(), t.tags(), base + i * MINUTE, v));
    }
    return out;
  }

  /**
   * The bucket series of histogram {@code h} (one list a bound, in time order): about 200 calls a
   * minute, 70% under 0.1 s; histogram 0's calls are slow at minute {@link #LATENCY_SPIKE},
   * histogram 1's sender restarts (its totals start again from zero) at {@link #SENDER_RESTART}.
   */
  List<List<MetricPoint>> buckets(int h) {
    Random r = new Random(5000L + h);
    long[] total = new long[LE.length];
    List<List<MetricPoint>> out = new ArrayList<>();
    for (int b = 0; b < LE.length; b++) {
      out.add(new ArrayList<>(points));
    }
    for (int i = 0; i < points; i++) {
      double[] share =
          h == 0 && i == LATENCY_SPIKE
              ? new double[] {0.1, 0.2, 0.3, 0.4, 0}
              : new double[] {0.7, 0.25, 0.045, 0.005, 0};
      long below = 0;
      for (int b = 0; b < LE.length; b++) {
        below += Math.max(0, Math.round(200 * share[b] * (1 + 0.1 * r.nextGaussian())));
        total[b] = h == 1 && i == SENDER_RESTART ? below : total[b] + below;
        out.get(b)
            .add(
                new MetricPoint(
                    "tenant-1",
                    "api-" + h,
                    "latency_bucket",
                    Map.of("host", "h" + h, "le", Histograms.format(LE[b])),
                    base + i * MINUTE,
                    total[b],
                    true));
      }
    }
    return out;
  }

  /** Histogram {@code h}'s {@code latency_count}: its +Inf bucket, without the cumulative flag. */
  List<MetricPoint> count(int h) {
    List<MetricPoint> out = new ArrayList<>(points);
    for (MetricPoint b : buckets(h).get(LE.length - 1)) {
      out.add(
          new MetricPoint(
              b.tenant(),
              b.source(),
              "latency_count",
              Map.of("host", "h" + h),
              b.timestamp(),
              b.value()));
    }
    return out;
  }

  /**
   * The rate series the job derives from histogram {@code h}'s {@code latency_count}: per minute
   * after the first (the baseline), the increase (a total that fell counts from zero) per second.
   */
  List<MetricPoint> countRate(int h) {
    List<MetricPoint> c = count(h);
    List<MetricPoint> out = new ArrayList<>(points);
    for (int i = 1; i < c.size(); i++) {
      MetricPoint p = c.get(i);
      double before = c.get(i - 1).value();
      double increase = p.value() >= before ? p.value() - before : p.value();
      double seconds = (p.timestamp() - c.get(i - 1).timestamp()) / 1000.0;
      out.add(
          new MetricPoint(
              p.tenant(), p.source(), p.metric(), p.tags(), p.timestamp(), increase / seconds));
    }
    return out;
  }

  /**
   * The quantile series the job derives from histogram {@code h}'s buckets: per minute after the
   * first (the baseline), each bucket's increase (a total that fell counts from zero), then
   * Prometheus' estimate; keyed by series, in time order.
   */
  Map<String, List<MetricPoint>> quantiles(int h) {
    List<List<MetricPoint>> bs = buckets(h);
    Map<String, List<MetricPoint>> out = new LinkedHashMap<>();
    for (int i = 1; i < points; i++) {
      double[] increase = new double[LE.length];
      for (int b = 0; b < LE.length; b++) {
        double now = bs.get(b).get(i).value();
        double before = bs.get(b).get(i - 1).value();
        increase[b] = now >= before ? now - before : now;
      }
      for (String q : QUANTILES) {
        double v = Histograms.quantile(Double.parseDouble(q), LE, increase);
        if (Double.isNaN(v)) {
          continue;
        }
        MetricPoint p =
            new MetricPoint(
                "tenant-1",
                "api-" + h,
                "latency",
                Map.of("host", "h" + h, "quantile", q),
                base + i * MINUTE,
                v);
        out.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p);
      }
    }
    return out;
  }

  /**
   * Sends the stream twice: chunk after chunk of time, every series' points of that chunk as one
   * array, to {@code cleanTopic} and to {@code hostileTopic}, and {@code badPerMessage} malformed
   * records after every message of the hostile topic only. Returns the malformed records'
   * coordinates (each makes exactly one dead letter).
   */
  List<BadRecord> produce(
      String bootstrap, String cleanTopic, String hostileTopic, int badPerMessage)
      throws Exception {
    List<List<MetricPoint>> all = new ArrayList<>(series);
    for (int s = 0; s < series; s++) {
      all.add(points(s));
    }
    for (int h = 0; h < HISTOGRAMS; h++) {
      all.addAll(buckets(h));
      all.add(count(h));
    }
    List<BadRecord> bad = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Exception> failure = new AtomicReference<>();
    Callback check =
        (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        };
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      int sent = 0;
      for (int from = 0; from < points; from += chunk) {
        long lo = base + from * MINUTE;
        long hi = base + (from + chunk) * MINUTE;
        for (int s = 0; s < all.size(); s++) {
          ByteArrayOutputStream json = new ByteArrayOutputStream(chunk * 128);
          json.write('[');
          for (MetricPoint p : all.get(s)) {
            if (p.timestamp() >= lo && p.timestamp() < hi) {
              if (json.size() > 1) {
                json.write(',');
              }
              json.write(MetricJsonCodec.encode(p));
            }
          }
          json.write(']');
          if (json.size() > 2) {
            byte[] key = all.get(s).get(0).series().getBytes(StandardCharsets.UTF_8);
            byte[] value = json.toByteArray();
            producer.send(new ProducerRecord<>(cleanTopic, key, value), check);
            producer.send(new ProducerRecord<>(hostileTopic, key, value), check);
          }
          for (int b = 0; s < series && b < badPerMessage; b++) {
            int n = sent++;
            String kind = badKind(n);
            byte[] key = ("bad-" + n).getBytes(StandardCharsets.UTF_8);
            producer.send(
                new ProducerRecord<>(hostileTopic, key, badRecord(kind, lo, n)),
                (md, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  } else {
                    bad.add(new BadRecord(md.partition(), md.offset(), kind));
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

  /** Every kind of damage the job must survive; one huge (900 KB) record in a thousand. */
  static final List<String> BAD_KINDS =
      List.of(
          "not-json",
          "missing-value",
          "nan",
          "infinity",
          "string-value",
          "object-value",
          "ancient",
          "far-future",
          "unknown-tenant",
          "empty",
          "bad-utf8",
          "deeply-nested",
          "top-level-number");

  static String badKind(int n) {
    return n % 1000 == 999 ? "huge" : BAD_KINDS.get(n % BAD_KINDS.size());
  }

  private static byte[] badRecord(String kind, long ts, int n) {
    String pre = "{\"tenant\":\"tenant-1\",\"source\":\"x\",\"metric\":\"m\",\"timestamp\":" + ts;
    String text =
        switch (kind) {
          case "not-json" -> "{not json " + n;
          case "missing-value" -> pre + "}";
          case "nan" -> pre + ",\"value\":NaN}";
          case "infinity" -> pre + ",\"value\":1e999}";
          case "string-value" -> pre + ",\"value\":\"12\"}";
          case "object-value" -> pre + ",\"value\":{\"v\":1}}";
          case "ancient" ->
              "{\"tenant\":\"tenant-1\",\"source\":\"x\",\"metric\":\"m\",\"timestamp\":0,\"value\":1}";
          case "far-future" ->
              "{\"tenant\":\"tenant-1\",\"source\":\"x\",\"metric\":\"m\","
                  + "\"timestamp\":\"2999-01-01T00:00:00Z\",\"value\":1}";
          case "unknown-tenant" ->
              "{\"tenant\":\"mallory\",\"source\":\"x\",\"metric\":\"m\",\"timestamp\":"
                  + ts
                  + ",\"value\":1}";
          case "empty" -> "";
          case "bad-utf8" -> null;
          case "deeply-nested" -> "[".repeat(5000) + "]".repeat(5000);
          case "top-level-number" -> "42";
          case "huge" -> pre + ",\"value\":1,\"metric\":\"" + "x".repeat(900 * 1024) + "\"}";
          default -> throw new IllegalArgumentException(kind);
        };
    return text == null
        ? new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}
        : text.getBytes(StandardCharsets.UTF_8);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Runs the detector over every series in order, as the job does per key. */
  Expected expected(DetectorFactory detector, double threshold) {
    Map<String, double[]> scores = new LinkedHashMap<>();
    Set<String> anomalies = new HashSet<>();
    Set<String> spikes = new HashSet<>();
    Set<String> gaps = new HashSet<>();
    for (int s = 0; s < series; s++) {
      SeriesDetector d = detector.create();
      List<MetricPoint> ps = points(s);
      double[] sc = new double[ps.size()];
      for (int i = 0; i < ps.size(); i++) {
        MetricPoint p = ps.get(i);
        sc[i] = d.update(p.timestamp(), p.value()).score();
        if (sc[i] >= threshold) {
          anomalies.add(p.series() + "@" + p.timestamp());
        }
      }
      String key = ps.get(0).series();
      scores.put(key, sc);
      if (spikeAt(s) >= 0) {
        spikes.add(key + "@" + (base + spikeAt(s) * MINUTE));
      }
      if (hasGap(s)) {
        gaps.add(key);
      }
    }
    for (int h = 0; h < HISTOGRAMS; h++) {
      Map<String, List<MetricPoint>> derived = new LinkedHashMap<>(quantiles(h));
      List<MetricPoint> rates = countRate(h);
      derived.put(rates.get(0).series(), rates);
      for (Map.Entry<String, List<MetricPoint>> e : derived.entrySet()) {
        SeriesDetector d = detector.create();
        double[] sc = new double[e.getValue().size()];
        for (int i = 0; i < sc.length; i++) {
          MetricPoint p = e.getValue().get(i);
          sc[i] = d.update(p.timestamp(), p.value()).score();
          if (sc[i] >= threshold) {
            anomalies.add(p.series() + "@" + p.timestamp());
          }
        }
        scores.put(e.getKey(), sc);
        if (h == 0 && e.getKey().contains("0.99")) {
          spikes.add(e.getKey() + "@" + (base + LATENCY_SPIKE * MINUTE));
        }
      }
    }
    return new Expected(scores, anomalies, spikes, gaps);
  }
}
