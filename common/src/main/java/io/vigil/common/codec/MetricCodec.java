package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Decodes a metrics message in whichever form its sender writes: Vigil's JSON ({@link
 * MetricJsonCodec}), InfluxDB line protocol (Telegraf's Kafka output by default, {@link
 * InfluxLineCodec}), Telegraf's JSON serializer ({@link TelegrafJsonCodec}), the OpenTelemetry
 * Collector's ExportMetricsServiceRequest in {@code otlp_json} ({@link OtlpMetricsCodec}) or {@code
 * otlp_proto} ({@link OtlpProtobuf}) or Prometheus' remote write through prometheus-kafka-adapter
 * ({@link PrometheusJsonCodec}). Never throws: every problem becomes a reason string, so the caller
 * can route the record to a dead-letter topic.
 *
 * <p>Senders other than Vigil's JSON name no tenant or source, so both come from tags: the tenant
 * from {@code tenant} (or {@code vigil.tenant}), the source from {@code source}, else {@code
 * service.name} / {@code service}, else {@code host} / {@code host.name}; the tag used is not kept
 * among the series' tags. Missing ones take the configured defaults.
 */
public final class MetricCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Which decoder handles a message. */
  public enum Input {
    /**
     * JSON by its keys ({@code resourceMetrics}: OTLP, {@code fields} and {@code name}: Telegraf,
     * {@code labels} and {@code value} but no {@code metric}: Prometheus, else Vigil), any other
     * text as line protocol.
     */
    AUTO,
    VIGIL,
    INFLUX,
    TELEGRAF,
    OTLP,
    PROMETHEUS
  }

  /**
   * How to decode.
   *
   * @param limits message size, accepted timestamps and tenants
   * @param input which decoder, or AUTO
   * @param defaultTenant tenant of points whose sender names none
   * @param defaultSource source of points whose sender names none
   * @param cumulativeMetrics metric names (globs: {@code *} stands for any text) whose values are
   *     running totals, in any format; OTLP says so itself
   * @param exponentialBuckets whether an OTLP exponential histogram's buckets (up to 320) are
   *     written as {@code le} bucket series, which only makes sense when the job turns buckets into
   *     quantiles; without, it gives its count and sum only
   */
  public record Settings(
      MetricJsonCodec.Limits limits,
      Input input,
      String defaultTenant,
      String defaultSource,
      List<String> cumulativeMetrics,
      boolean exponentialBuckets)
      implements Serializable {
    public Settings {
      cumulativeMetrics = List.copyOf(cumulativeMetrics);
    }

    /** Exponential histograms' buckets written as bucket series. */
    public Settings(
        MetricJsonCodec.Limits limits,
        Input input,
        String defaultTenant,
        String defaultSource,
        List<String> cumulativeMetrics) {
      this(limits, input, defaultTenant, defaultSource, cumulativeMetrics, true);
    }

    /** No metric declared cumulative. */
    public Settings(
        MetricJsonCodec.Limits limits, Input input, String defaultTenant, String defaultSource) {
      this(limits, input, defaultTenant, defaultSource, List.of());
    }

    /** Defaults: AUTO, tenant "default", source "unknown". */
    public static Settings defaults() {
      return new Settings(MetricJsonCodec.Limits.defaults(), Input.AUTO, "default", "unknown");
    }

    /** Whether {@code metric} is declared a running total. */
    boolean declaredCumulative(String metric) {
      for (String glob : cumulativeMetrics) {
        if (glob(glob, metric)) {
          return true;
        }
      }
      return false;
    }
  }

  private final Settings settings;
  private final MetricJsonCodec vigil;
  private final InfluxLineCodec influx;
  private final TelegrafJsonCodec telegraf;
  private final OtlpMetricsCodec otlp;
  private final PrometheusJsonCodec prometheus;
  private transient ObjectMapper mapper;

  public MetricCodec(Settings settings) {
    this.settings = settings;
    this.vigil = new MetricJsonCodec(settings.limits());
    this.influx = new InfluxLineCodec(settings);
    this.telegraf = new TelegrafJsonCodec(settings);
    this.otlp = new OtlpMetricsCodec(settings);
    this.prometheus = new PrometheusJsonCodec(settings);
  }

  /**
   * Decodes one message; {@code fallbackTimestamp} (the Kafka record's time) dates line-protocol
   * points that carry no timestamp. Never throws.
   */
  public MetricJsonCodec.Result decode(byte[] message, long fallbackTimestamp) {
    try {
      if (message == null || message.length == 0) {
        return error("empty message");
      }
      if (message.length > settings.limits().maxMessageBytes()) {
        return error(
            "oversized message: "
                + message.length
                + " bytes > "
                + settings.limits().maxMessageBytes());
      }
      return declared(
          switch (settings.input()) {
            case VIGIL -> vigil.decode(message).as(WireFormat.VIGIL_JSON);
            case INFLUX -> influx.decode(message, fallbackTimestamp, "").as(WireFormat.INFLUX_LINE);
            case TELEGRAF -> json(message, telegraf::decode).as(WireFormat.TELEGRAF_JSON);
            case OTLP -> otlp(message);
            case PROMETHEUS -> json(message, prometheus::decode).as(WireFormat.PROMETHEUS_JSON);
            case AUTO -> auto(message, fallbackTimestamp);
          });
    } catch (RuntimeException e) {
      // a bug must not stop the job on one record: the record goes to the dead letters with it
      return error("decoder failure: " + e);
    }
  }

  /** Parses a JSON message once and hands its tree to a decoder. */
  private MetricJsonCodec.Result json(
      byte[] message, Function<JsonNode, MetricJsonCodec.Result> decoder) {
    if (mapper == null) {
      mapper = LogFields.mapper(settings.limits());
    }
    try {
      return decoder.apply(LogFields.readTree(mapper, message));
    } catch (LogFields.BadRecord e) {
      return error(e.getMessage());
    }
  }

  /** OTLP metrics in JSON, or in protobuf (otlp_proto) read as the JSON it stands for. */
  private MetricJsonCodec.Result otlp(byte[] message) {
    if (!looksBinary(message)) {
      return json(message, otlp::decode).as(WireFormat.OTLP_JSON);
    }
    byte[] json = OtlpProtobuf.metrics(message);
    return json == null ? error(BINARY) : json(json, otlp::decode).as(WireFormat.OTLP_PROTO);
  }

  /** Marks the points of metrics declared cumulative. */
  private MetricJsonCodec.Result declared(MetricJsonCodec.Result r) {
    if (settings.cumulativeMetrics().isEmpty()) {
      return r;
    }
    r.points().replaceAll(p -> settings.declaredCumulative(p.metric()) ? p.asCumulative() : p);
    return r;
  }

  /** Whether {@code value} matches {@code glob}, in which {@code *} stands for any text. */
  static boolean glob(String glob, String value) {
    String[] parts = glob.split("\\*", -1);
    if (parts.length == 1) {
      return glob.equals(value);
    }
    if (!value.startsWith(parts[0])) {
      return false;
    }
    int at = parts[0].length();
    for (int i = 1; i < parts.length - 1; i++) {
      int found = value.indexOf(parts[i], at);
      if (found < 0) {
        return false;
      }
      at = found + parts[i].length();
    }
    String last = parts[parts.length - 1];
    return value.length() - last.length() >= at && value.endsWith(last);
  }

  private MetricJsonCodec.Result auto(byte[] message, long fallbackTimestamp) {
    int i = 0;
    while (i < message.length && Character.isWhitespace(message[i])) {
      i++;
    }
    if (i == message.length) {
      return error("empty message");
    }
    if (looksBinary(message)) {
      return otlp(message);
    }
    if (message[i] != '{' && message[i] != '[') {
      // a guess: when no line of it parses, the reasons say what the message was taken for
      return influx
          .decode(message, fallbackTimestamp, "not JSON, and not InfluxDB line protocol: ")
          .as(WireFormat.INFLUX_LINE);
    }
    // the keys that tell the JSON senders apart, looked for in the message's first 512 bytes
    int keys = keys(message, i, Math.min(message.length, i + 512));
    if ((keys & 1) != 0) {
      return json(message, otlp::decode).as(WireFormat.OTLP_JSON);
    }
    if ((keys & 6) == 6) {
      return json(message, telegraf::decode).as(WireFormat.TELEGRAF_JSON);
    }
    if ((keys & 8) != 0) {
      return json(
          message,
          tree ->
              PrometheusJsonCodec.looksLikePrometheus(tree)
                  ? prometheus.decode(tree).as(WireFormat.PROMETHEUS_JSON)
                  : vigil.decode(message).as(WireFormat.VIGIL_JSON));
    }
    return vigil.decode(message).as(WireFormat.VIGIL_JSON);
  }

  /** The keys {@link #keys} looks for; bit {@code i} of its answer is {@code KEYS[i]}. */
  private static final byte[][] KEYS = {
    key("resourceMetrics"), key("fields"), key("name"), key("labels")
  };

  private static byte[] key(String name) {
    return ("\"" + name + "\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Which of {@link #KEYS} occur in {@code message[from, to)}, as bits: one pass, comparing only
   * where a quote starts.
   */
  static int keys(byte[] message, int from, int to) {
    int found = 0;
    for (int at = from; at < to; at++) {
      if (message[at] != '"') {
        continue;
      }
      candidates:
      for (int k = 0; k < KEYS.length; k++) {
        byte[] key = KEYS[k];
        if (at + key.length > to) {
          continue;
        }
        for (int j = 1; j < key.length; j++) {
          if (message[at + j] != key[j]) {
            continue candidates;
          }
        }
        found |= 1 << k;
      }
    }
    return found;
  }

  /**
   * A JSON object of strings (Telegraf's tags, Prometheus' labels) as a sorted map; numbers and
   * booleans are taken as their text.
   */
  static Map<String, String> strings(JsonNode object, String field, String what)
      throws LogFields.BadRecord {
    if (object == null || !object.isObject()) {
      throw new LogFields.BadRecord("field '" + field + "' must be an object of strings");
    }
    Map<String, String> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new LogFields.BadRecord(
            what + " '" + MetricJsonCodec.abbreviate(e.getKey()) + "' must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** Why a binary message is refused, with the likely cause. */
  static final String BINARY =
      "binary data that is not an OTLP request in protobuf (otlp_proto): Vigil reads that, JSON"
          + " and text, not compressed or other binary payloads";

  /**
   * Whether a message is binary (protobuf, compressed, ...) rather than text: a control character
   * other than tab, line breaks, form feed and ESC (terminal colours in log lines) among its first
   * 256 bytes.
   */
  static boolean looksBinary(byte[] message) {
    int n = Math.min(message.length, 256);
    for (int i = 0; i < n; i++) {
      int b = message[i] & 0xff;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0x0b && b != 0x0c && b != 0x1b) {
        return true;
      }
    }
    return false;
  }

  static MetricJsonCodec.Result error(String reason) {
    List<String> e = new ArrayList<>(1);
    e.add(reason);
    return new MetricJsonCodec.Result(new ArrayList<>(), e);
  }

  /**
   * A point from a sender that names the tenant and source in its tags: takes them out of {@code
   * tags} (see the class comment), checks names, tags, the time range and the tenant allow-list.
   */
  static MetricPoint point(
      Settings settings, String metric, Map<String, String> tags, long millis, double value)
      throws LogFields.BadRecord {
    Map<String, String> t = new TreeMap<>(tags);
    String tenant = take(t, "tenant", "vigil.tenant");
    String source = take(t, "source", "service.name", "service");
    if (source == null) {
      source = take(t, "host", "host.name");
    }
    tenant = LogFields.name("tenant", tenant == null ? settings.defaultTenant() : tenant);
    source = LogFields.name("source", source == null ? settings.defaultSource() : source);
    metric = LogFields.name("metric", metric);
    java.util.Set<String> allowed = settings.limits().tenants();
    if (!allowed.isEmpty() && !allowed.contains(tenant)) {
      throw new LogFields.BadRecord("unknown tenant '" + MetricJsonCodec.abbreviate(tenant) + "'");
    }
    if (t.size() > MetricJsonCodec.MAX_TAGS) {
      throw new LogFields.BadRecord(
          "too many tags: " + t.size() + " > " + MetricJsonCodec.MAX_TAGS);
    }
    for (Map.Entry<String, String> e : t.entrySet()) {
      if (e.getKey().isEmpty()
          || e.getKey().length() > MetricJsonCodec.MAX_NAME_LENGTH
          || e.getValue().length() > MetricJsonCodec.MAX_NAME_LENGTH) {
        throw new LogFields.BadRecord(
            "tag '"
                + MetricJsonCodec.abbreviate(e.getKey())
                + "' has an empty or too long key or value");
      }
    }
    if (!Double.isFinite(value)) {
      throw new LogFields.BadRecord(
          "value of '" + MetricJsonCodec.abbreviate(metric) + "' is not finite");
    }
    LogFields.checkRange(millis, settings.limits());
    // a histogram's bucket counts everything up to now (Prometheus' convention)
    return new MetricPoint(
        tenant, source, metric, t, millis, value, Histograms.isBucket(metric, t));
  }

  /**
   * Epoch milliseconds from an epoch timestamp in seconds, milliseconds, microseconds or
   * nanoseconds, told apart by magnitude: each unit covers the years 1973 to 5138 without overlap
   * (Telegraf's JSON writes seconds by default, line protocol nanoseconds).
   */
  static long epochMillis(long t) {
    long a = Math.abs(t);
    if (a < 100_000_000_000L) {
      return t * 1000;
    }
    if (a < 100_000_000_000_000L) {
      return t;
    }
    if (a < 100_000_000_000_000_000L) {
      return t / 1000;
    }
    return t / 1_000_000;
  }

  private static String take(Map<String, String> tags, String... keys) {
    for (String k : keys) {
      String v = tags.get(k);
      if (v != null && !v.isBlank()) {
        tags.remove(k);
        return v;
      }
    }
    return null;
  }
}
