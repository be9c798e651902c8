package io.vigil.jobs.demo;

import io.vigil.common.codec.LogJsonCodec;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.model.LogEvent;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's logs: three services logging a steady mix of realistic messages for the last hours of
 * the metrics scenario, and two incidents: an error burst with a message never seen before in
 * payments, and search logging nothing for a quarter of an hour (a crash). One Kafka-like message
 * per minute holding every service's events in time order, as JSON lines (the order keeps events
 * within {@code event-time.max-out-of-orderness}). Deterministic.
 */
public final class DemoLogScenario implements Serializable {
  private static final long serialVersionUID = 1L;
  static final List<String> SERVICES = List.of("checkout", "payments", "search");
  static final String BURST_SERVICE = "payments";
  static final String BURST_MESSAGE = "upstream connect error or disconnect/reset before headers";
  static final String SILENT_SERVICE = "search";
  static final int SILENT_MINUTES = 15;

  private final long start;
  private final int minutes;
  private final long burstStart;
  private final long burstEnd;
  private final long silenceStart;

  /** {@code hours} of logs ending at {@code end}; the burst starts 70% of the way in. */
  public DemoLogScenario(long end, int hours) {
    this.minutes = hours * 60;
    this.start = end - minutes * DemoScenario.MINUTE;
    this.burstStart = start + (long) (minutes * 0.7) * DemoScenario.MINUTE;
    this.burstEnd = burstStart + 5 * DemoScenario.MINUTE;
    // 20 minutes into the hour 40% of the way in: an hour the service has logged in already
    long at = start + (long) (minutes * 0.4) * DemoScenario.MINUTE;
    this.silenceStart = at - Math.floorMod(at, 3_600_000L) + 20 * DemoScenario.MINUTE;
  }

  /** When {@link #SILENT_SERVICE} stops logging, for {@link #SILENT_MINUTES} minutes. */
  public long silenceStart() {
    return silenceStart;
  }

  public long records() {
    return minutes;
  }

  public long start() {
    return start;
  }

  public long burstStart() {
    return burstStart;
  }

  public long burstEnd() {
    return burstEnd;
  }

  /** The message of record {@code i}: every service's logs of minute {@code i}, in time order. */
  public byte[] message(long i) {
    long minute = start + i * DemoScenario.MINUTE;
    List<LogEvent> events = new ArrayList<>();
    for (String service : SERVICES) {
      if (service.equals(SILENT_SERVICE)
          && minute >= silenceStart
          && minute < silenceStart + SILENT_MINUTES * DemoScenario.MINUTE) {
        continue; // crashed: nothing logged
      }
      SplittableRandom r = new SplittableRandom(minute * 7 + service.hashCode());
      int n = 25 + r.nextInt(15);
      for (int k = 0; k < n; k++) {
        events.add(event(service, minute + k * (DemoScenario.MINUTE / n), r));
      }
      if (service.equals(BURST_SERVICE) && minute >= burstStart && minute < burstEnd) {
        for (int k = 0; k < 45; k++) {
          events.add(
              new LogEvent(
                  DemoScenario.TENANT,
                  service,
                  minute + k * 1300L,
                  LogLevels.ERROR,
                  BURST_MESSAGE + ". reset reason: connection timeout to 10.0.3." + r.nextInt(250),
                  Map.of("user_id", "user-" + r.nextInt(200))));
        }
      }
    }
    events.sort(Comparator.comparingLong(LogEvent::timestamp));
    StringBuilder b = new StringBuilder(events.size() * 200);
    for (LogEvent e : events) {
      b.append(json(e)).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String json(LogEvent e) {
    return new String(LogJsonCodec.encode(e), StandardCharsets.UTF_8);
  }

  private static LogEvent event(String service, long t, SplittableRandom r) {
    String user = "user-" + r.nextInt(5000);
    int k = r.nextInt(100);
    String level = LogLevels.INFO;
    String msg;
    switch (service) {
      case "checkout" -> {
        if (k < 50) {
          msg = "GET /api/cart/" + r.nextInt(100000) + " 200 " + r.nextInt(120) + "ms";
        } else if (k < 80) {
          msg = "order " + r.nextInt(1000000) + " created for " + user + " total=" + r.nextInt(500);
        } else if (k < 95) {
          level = LogLevels.DEBUG;
          msg = "inventory reservation confirmed for sku-" + r.nextInt(9999);
        } else {
          level = LogLevels.WARN;
          msg = "coupon service slow, using cached rules after " + r.nextInt(900) + "ms";
        }
      }
      case "payments" -> {
        if (k < 55) {
          msg = "charge authorized for order " + r.nextInt(1000000) + " via visa";
        } else if (k < 85) {
          msg = "fraud check passed score=" + r.nextInt(100);
        } else if (k < 97) {
          level = LogLevels.WARN;
          msg = "3ds challenge required for order " + r.nextInt(1000000);
        } else {
          level = LogLevels.ERROR;
          msg = "card declined: insufficient funds for order " + r.nextInt(1000000);
        }
      }
      default -> {
        if (k < 65) {
          msg =
              "query q="
                  + r.nextInt(1000)
                  + " returned "
                  + r.nextInt(50)
                  + " hits in "
                  + r.nextInt(80)
                  + "ms";
        } else if (k < 95) {
          msg = "refreshed index shard " + r.nextInt(12) + " with " + r.nextInt(5000) + " docs";
        } else {
          level = LogLevels.WARN;
          msg = "replica " + r.nextInt(3) + " lagging behind primary";
        }
      }
    }
    return new LogEvent(DemoScenario.TENANT, service, t, level, msg, Map.of("user_id", user));
  }
}
