package io.vigil.jobs.demo;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's world: a few services reporting latency, throughput and error rate every minute with a
 * daily cycle and noise, and five injected incidents of the kinds on-call engineers meet (spike,
 * level shift, slow drift, stuck value, dropout). The same values for every start at midnight UTC.
 */
public final class DemoScenario implements Serializable {
  private static final long serialVersionUID = 1L;
  static final long MINUTE = 60_000;
  static final String TENANT = "demo";
  static final List<String> SERVICES =
      List.of("checkout", "payments", "search", "auth", "inventory");
  static final List<String> METRICS = List.of("latency_ms", "requests_per_s", "error_rate");

  /** Every this many minutes a malformed element rides along, to show the dead-letter path. */
  static final int BAD_EVERY = 997;

  /** An injected incident: what, where, and the event-time window it covers. */
  public record Incident(
      String kind, String service, String metric, long start, long end, String description)
      implements Serializable {}

  private final long start;
  private final int minutes;
  private final List<Incident> incidents;

  public DemoScenario(long start, int days) {
    this.start = start;
    this.minutes = days * 24 * 60;
    long day = 24 * 60 * MINUTE;
    long d = start + (days - 2) * day;
    this.incidents =
        List.of(
            new Incident(
                "spike",
                "checkout",
                "latency_ms",
                d + 10 * 60 * MINUTE,
                d + 10 * 60 * MINUTE + 5 * MINUTE,
                "latency x3 for 5 minutes"),
            new Incident(
                "level shift",
                "payments",
                "error_rate",
                d + 14 * 60 * MINUTE,
                d + 16 * 60 * MINUTE,
                "error rate x4 for 2 hours"),
            new Incident(
                "slow drift",
                "search",
                "latency_ms",
                d + day + 2 * 60 * MINUTE,
                d + day + 8 * 60 * MINUTE,
                "latency creeping up to +150% over 6 hours"),
            new Incident(
                "stuck value",
                "inventory",
                "requests_per_s",
                d + day + 3 * 60 * MINUTE,
                d + day + 4 * 60 * MINUTE,
                "throughput frozen at its last value for an hour"),
            new Incident(
                "dropout",
                "auth",
                "requests_per_s",
                d + day + 12 * 60 * MINUTE,
                d + day + 12 * 60 * MINUTE + 30 * MINUTE,
                "no data for 30 minutes"));
  }

  public List<Incident> incidents() {
    return incidents;
  }

  public int seriesCount() {
    return SERVICES.size() * METRICS.size();
  }

  /** Records the generator emits: one JSON array per minute with every series' point. */
  public long records() {
    return minutes;
  }

  public long start() {
    return start;
  }

  public long end() {
    return start + minutes * MINUTE;
  }

  /**
   * The message of minute {@code i}: a JSON array, like a collector's batch, holding each series'
   * point (none for a series in dropout) and, now and then, a malformed element.
   */
  public byte[] message(long i) {
    long t = start + i * MINUTE;
    StringBuilder b = new StringBuilder(4096).append('[');
    for (int series = 0; series < seriesCount(); series++) {
      String service = SERVICES.get(series / METRICS.size());
      String metric = METRICS.get(series % METRICS.size());
      Double v = value(service, metric, t, series);
      if (v != null) {
        MetricPoint p = new MetricPoint(TENANT, service, metric, Map.of("env", "prod"), t, v);
        b.append(b.length() > 1 ? "," : "")
            .append(new String(MetricJsonCodec.encode(p), StandardCharsets.UTF_8));
      }
    }
    if (i > 0 && i % BAD_EVERY == 0) {
      b.append(",{\"tenant\":\"demo\",\"source\":\"checkout\",\"metric\":\"latency_ms\",")
          .append("\"timestamp\":")
          .append(t)
          .append(",\"value\":\"n/a\"}");
    }
    return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  private Double value(String service, String metric, long t, int series) {
    SplittableRandom r = new SplittableRandom((t - start) / MINUTE * 31 + series);
    double dayPhase = 2 * Math.PI * ((t % (24 * 60 * MINUTE)) / (double) (24 * 60 * MINUTE));
    double load = 1 + 0.5 * Math.sin(dayPhase - Math.PI / 2);
    double base =
        switch (metric) {
          case "latency_ms" -> 120 + 40 * load;
          case "requests_per_s" -> 400 * load;
          default -> 0.01 + 0.004 * load;
        };
    double noise = 1 + 0.03 * gaussian(r);
    double v = base * noise;
    for (Incident inc : incidents) {
      if (!inc.service().equals(service)
          || !inc.metric().equals(metric)
          || t < inc.start()
          || t >= inc.end()) {
        continue;
      }
      switch (inc.kind()) {
        case "spike" -> v *= 3;
        case "level shift" -> v *= 4;
        case "slow drift" -> v *= 1 + 1.5 * (t - inc.start()) / (double) (inc.end() - inc.start());
        case "stuck value" -> {
          // Frozen at the last value reported before the incident (an exporter that hung): an
          // ordinary value, so only the repeats give it away.
          return value(service, metric, inc.start() - MINUTE, series);
        }
        case "dropout" -> {
          return null;
        }
        default -> throw new IllegalStateException(inc.kind());
      }
    }
    return new BigDecimal(v).round(new MathContext(5)).doubleValue();
  }

  private static double gaussian(SplittableRandom r) {
    double u = r.nextDouble(1e-12, 1.0);
    double w = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  }
}
