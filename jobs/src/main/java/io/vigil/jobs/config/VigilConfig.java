package io.vigil.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Vigil's configuration: one YAML file plus command-line overrides, with {@code ${ENV_VAR}}
 * references resolved, checked once at start-up. Every problem is reported together, each with what
 * to fix.
 */
public final class VigilConfig implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Map<String, ConfigOption<?>> BY_KEY =
      VigilOptions.ALL.stream()
          .collect(Collectors.toMap(ConfigOption::key, o -> o, (a, b) -> a, LinkedHashMap::new));

  private final Configuration conf;

  private VigilConfig(Configuration conf) {
    this.conf = conf;
  }

  /** Thrown for a configuration that can't run; the message lists every problem and its fix. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  /**
   * Reads {@code --config FILE} and overrides given as {@code --key value} or {@code --key=value},
   * then validates.
   */
  public static VigilConfig fromArgs(String[] args, Map<String, String> env) {
    Map<String, String> raw = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    String file = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        errors.add("unexpected argument '" + a + "': options look like --key value");
        continue;
      }
      String k = a.substring(2);
      String v;
      int eq = k.indexOf('=');
      if (eq >= 0) {
        v = k.substring(eq + 1);
        k = k.substring(0, eq);
      } else if (i + 1 < args.length) {
        v = args[++i];
      } else {
        errors.add("option --" + k + " needs a value");
        continue;
      }
      if (k.equals("config")) {
        file = v;
      } else {
        overrides.put(k, v);
      }
    }
    if (file != null) {
      try {
        flatten(
            "", new ObjectMapper(new YAMLFactory()).readTree(Files.readString(Path.of(file))), raw);
      } catch (IOException e) {
        errors.add("can't read config file " + file + ": " + e.getMessage());
      }
    }
    raw.putAll(overrides);
    return fromMap(raw, env, errors);
  }

  /** Builds and validates a configuration from flat dotted keys. */
  public static VigilConfig fromMap(Map<String, String> raw, Map<String, String> env) {
    return fromMap(raw, env, new ArrayList<>());
  }

  private static VigilConfig fromMap(
      Map<String, String> raw, Map<String, String> env, List<String> errors) {
    Configuration conf = new Configuration();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (!BY_KEY.containsKey(e.getKey())) {
        errors.add("unknown option '" + e.getKey() + "'" + suggestion(e.getKey()));
        continue;
      }
      conf.setString(e.getKey(), resolveEnv(e.getKey(), e.getValue(), env, errors));
    }
    secretFromEnv(conf, VigilOptions.PG_PASSWORD, env.get("VIGIL_PG_PASSWORD"));
    secretFromEnv(conf, VigilOptions.INFLUX_PASSWORD, env.get("VIGIL_INFLUX_PASSWORD"));
    VigilConfig config = new VigilConfig(conf);
    config.validate(errors);
    if (!errors.isEmpty()) {
      throw new ConfigException(
          "Vigil can't start with this configuration:\n  - " + String.join("\n  - ", errors));
    }
    return config;
  }

  private static void secretFromEnv(Configuration conf, ConfigOption<String> o, String value) {
    if (!conf.contains(o) && value != null) {
      conf.set(o, value);
    }
  }

  /**
   * The ranks of {@code metrics.histogram-quantiles}, in the order given; empty when it is empty.
   *
   * @throws IllegalArgumentException saying what to fix when one is not a number in (0, 1)
   */
  public double[] histogramQuantiles() {
    String raw = get(VigilOptions.METRICS_HISTOGRAM_QUANTILES);
    List<Double> ranks = new java.util.ArrayList<>();
    for (String part : raw.split(",")) {
      String s = part.trim();
      if (s.isEmpty()) {
        continue;
      }
      double q;
      try {
        q = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        q = Double.NaN;
      }
      if (!(q > 0 && q < 1) || ranks.contains(q)) {
        throw new IllegalArgumentException(
            "metrics.histogram-quantiles must list distinct numbers between 0 and 1 (e.g."
                + " 0.5,0.9,0.99), or be empty for none; '"
                + s
                + "' is not one");
      }
      ranks.add(q);
    }
    return ranks.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private void validate(List<String> errors) {
    for (ConfigOption<?> o : VigilOptions.ALL) {
      try {
        conf.get(o);
      } catch (RuntimeException e) {
        errors.add(
            "option '"
                + o.key()
                + "' has an invalid value '"
                + conf.getString(o.key(), "")
                + "': "
                + rootMessage(e));
      }
    }
    if (!errors.isEmpty()) {
      return;
    }
    requireNonBlank(VigilOptions.KAFKA_BOOTSTRAP, errors);
    requireNonBlank(VigilOptions.METRICS_TOPIC, errors);
    requireNonBlank(VigilOptions.METRICS_DLQ_TOPIC, errors);
    if (get(VigilOptions.METRICS_TOPIC).equals(get(VigilOptions.METRICS_DLQ_TOPIC))) {
      errors.add("kafka.metrics-dlq-topic must differ from kafka.metrics-topic");
    }
    requireNonBlank(VigilOptions.METRICS_DEFAULT_TENANT, errors);
    requireNonBlank(VigilOptions.METRICS_DEFAULT_SOURCE, errors);
    if (!List.of("auto", "vigil", "influx", "telegraf", "otlp", "prometheus")
        .contains(get(VigilOptions.METRICS_INPUT))) {
      errors.add("metrics.input must be auto, vigil, influx, telegraf, otlp or prometheus");
    }
    try {
      histogramQuantiles();
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    validateLogs(errors);
    if (!List.of("auto_analyze", "manual", "ignore")
        .contains(get(VigilOptions.ALERTMANAGER_DEFAULT_ACTION))) {
      errors.add("alertmanager.default-action must be auto_analyze, manual or ignore");
    }
    if (get(VigilOptions.ALERTMANAGER_LOOKBACK).isNegative()
        || get(VigilOptions.ALERTMANAGER_LOOKAHEAD).isNegative()) {
      errors.add("alertmanager.lookback and alertmanager.lookahead must not be negative");
    }
    if (get(VigilOptions.ALERTMANAGER_RETENTION).compareTo(Duration.ofHours(1)) < 0) {
      errors.add(
          "alertmanager.state-ttl must be at least 1h (longer than Alertmanager's repeat_interval)");
    }
    requireNonBlank(VigilOptions.INFRA_TOPIC, errors);
    requireNonBlank(VigilOptions.INFRA_DLQ_TOPIC, errors);
    if (get(VigilOptions.INFRA_TOPIC).equals(get(VigilOptions.INFRA_DLQ_TOPIC))) {
      errors.add("kafka.infra-dlq-topic must differ from kafka.infra-topic");
    }
    if (get(VigilOptions.DRIFT_UNMANAGED_AFTER).isNegative()) {
      errors.add(
          "drift.unmanaged-after must not be negative (0 never reports unmanaged resources)");
    }
    if (get(VigilOptions.DRIFT_STATE_TTL).compareTo(Duration.ofHours(1)) < 0) {
      errors.add("drift.state-ttl must be at least 1h");
    }
    String alertmanager = get(VigilOptions.ALERTMANAGER_TOPIC);
    if (!alertmanager.isEmpty()
        && (alertmanager.equals(get(VigilOptions.METRICS_TOPIC))
            || alertmanager.equals(get(VigilOptions.ALERTS_TOPIC)))) {
      errors.add(
          "kafka.alertmanager-topic must differ from kafka.metrics-topic and kafka.alerts-topic"
              + " (Vigil's own alerts are not Alertmanager's)");
    }
    // what a job publishes for others to read must not be one of the topics it reads
    List<String> read =
        List.of(
            get(VigilOptions.METRICS_TOPIC),
            get(VigilOptions.LOGS_TOPIC),
            get(VigilOptions.INFRA_TOPIC),
            alertmanager,
            get(VigilOptions.ALERTS_TOPIC));
    String anomaliesTopic = get(VigilOptions.ANOMALIES_TOPIC);
    if (!anomaliesTopic.isEmpty() && read.contains(anomaliesTopic)) {
      errors.add(
          "kafka.anomalies-topic must differ from the metrics, logs, infra, alertmanager, alerts"
              + " topics");
    }
    String errorGroupsTopic = get(VigilOptions.ERROR_GROUPS_TOPIC);
    if (!errorGroupsTopic.isEmpty()
        && (read.contains(errorGroupsTopic) || errorGroupsTopic.equals(anomaliesTopic))) {
      errors.add(
          "kafka.error-groups-topic must differ from the metrics, logs, infra, alertmanager,"
              + " alerts, anomalies topics");
    }
    if (!List.of("committed-or-earliest", "earliest", "latest")
        .contains(get(VigilOptions.STARTING_OFFSETS))) {
      errors.add("kafka.starting-offsets must be committed-or-earliest, earliest or latest");
    }
    if (!get(VigilOptions.PG_URL).startsWith("jdbc:postgresql://")) {
      errors.add("postgres.url must look like jdbc:postgresql://host:port/database");
    }
    String influx = get(VigilOptions.INFLUX_URL);
    if (!influx.isEmpty() && !influx.matches("https?://.+")) {
      errors.add("influxdb.url must be empty (disabled) or an http(s):// URL");
    }
    positive(VigilOptions.PG_BATCH_SIZE, errors);
    positive(VigilOptions.INFLUX_BATCH, errors);
    positive(VigilOptions.MAX_MESSAGE_BYTES, errors);
    if (get(VigilOptions.PG_MAX_RETRIES) < 0 || get(VigilOptions.INFLUX_MAX_RETRIES) < 0) {
      errors.add("postgres.max-retries and influxdb.max-retries must not be negative");
    }
    if (DetectorChoice.byName(get(VigilOptions.DETECTOR)) == null) {
      errors.add(
          "detection.detector '"
              + get(VigilOptions.DETECTOR)
              + "' is unknown; use one of "
              + DetectorChoice.names());
    }
    double t = get(VigilOptions.THRESHOLD);
    double m = get(VigilOptions.SEVERITY_MEDIUM);
    double h = get(VigilOptions.SEVERITY_HIGH);
    double c = get(VigilOptions.SEVERITY_CRITICAL);
    if (!(0 < t && t <= m && m <= h && h <= c && c <= 1)) {
      errors.add(
          "scores must satisfy 0 < detection.threshold <= detection.severity.medium <= "
              + "detection.severity.high <= detection.severity.critical <= 1");
    }
    if (get(VigilOptions.FEEDBACK_STEP) < 0 || get(VigilOptions.MAX_THRESHOLD_SHIFT) < 0) {
      errors.add("detection.feedback-step and detection.max-threshold-shift must not be negative");
    }
    if (get(VigilOptions.DROPOUT_FACTOR) <= 1) {
      errors.add("detection.dropout-factor must be greater than 1");
    }
    if (get(VigilOptions.CHECKPOINT_INTERVAL).toMillis() < 100) {
      errors.add("job.checkpoint-interval must be at least 100ms");
    }
    Long min = instant(VigilOptions.MIN_TIMESTAMP, errors);
    Long max = instant(VigilOptions.MAX_TIMESTAMP, errors);
    if (min != null && max != null && min >= max) {
      errors.add("input.min-timestamp must be before input.max-timestamp");
    }
  }

  private void validateLogs(List<String> errors) {
    requireNonBlank(VigilOptions.LOGS_TOPIC, errors);
    requireNonBlank(VigilOptions.LOGS_DLQ_TOPIC, errors);
    requireNonBlank(VigilOptions.LOGS_DEFAULT_TENANT, errors);
    requireNonBlank(VigilOptions.LOGS_DEFAULT_SERVICE, errors);
    if (get(VigilOptions.LOGS_TOPIC).equals(get(VigilOptions.LOGS_DLQ_TOPIC))) {
      errors.add("kafka.logs-dlq-topic must differ from kafka.logs-topic");
    }
    if (!List.of("auto", "json", "otlp", "raw").contains(get(VigilOptions.LOGS_INPUT))) {
      errors.add("logs.input must be auto, json, otlp or raw");
    }
    try {
      io.vigil.common.logs.LogFormat.parse(get(VigilOptions.LOGS_RAW_FORMAT));
    } catch (IllegalArgumentException e) {
      errors.add("logs.raw-format is not usable: " + e.getMessage());
    }
    if (get(VigilOptions.LOGS_WINDOW).toMillis() < 1000) {
      errors.add("logs.window must be at least 1s");
    }
    if (get(VigilOptions.LOGS_BASELINE_WINDOWS) < 5) {
      errors.add("logs.baseline-windows must be at least 5");
    }
    int warmup = get(VigilOptions.LOGS_WARMUP_WINDOWS);
    if (warmup < 1 || warmup > get(VigilOptions.LOGS_BASELINE_WINDOWS)) {
      errors.add("logs.warmup-windows must be between 1 and logs.baseline-windows");
    }
    positive(VigilOptions.LOGS_TOP_TEMPLATES, errors);
    if (!(get(VigilOptions.LOGS_HALF_LIFE) > 0)) {
      errors.add("logs.baseline-half-life-windows must be positive");
    }
    if (get(VigilOptions.LOGS_STATE_TTL).compareTo(get(VigilOptions.LOGS_WINDOW)) <= 0) {
      errors.add("logs.state-ttl must be longer than logs.window");
    }
    Duration retention = get(VigilOptions.FEATURE_WINDOWS_RETENTION);
    if (!retention.isZero() && retention.compareTo(get(VigilOptions.LOGS_WINDOW)) <= 0) {
      errors.add(
          "logs.feature-windows-retention must be 0 (keep every window) or longer than logs.window");
    }
  }

  private String raw(String key) {
    return conf.toMap().getOrDefault(key, "");
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage();
  }

  /** The value of an option, or its default. */
  public <T> T get(ConfigOption<T> option) {
    return conf.get(option);
  }

  /** Epoch millis of an RFC 3339 option; validated at load. */
  public long epochMillis(ConfigOption<String> option) {
    return Instant.parse(get(option)).toEpochMilli();
  }

  /** The options as given, secrets masked: safe to log. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    for (ConfigOption<?> o : VigilOptions.ALL) {
      String v = String.valueOf(conf.get(o));
      shown.put(o.key(), isSecret(o.key()) && !v.isEmpty() ? "******" : v);
    }
    return shown.toString();
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("token") || k.contains("secret");
  }

  private Long instant(ConfigOption<String> o, List<String> errors) {
    try {
      return Instant.parse(get(o)).toEpochMilli();
    } catch (DateTimeParseException e) {
      errors.add(o.key() + " must be an RFC 3339 instant such as 2000-01-01T00:00:00Z");
      return null;
    }
  }

  private void requireNonBlank(ConfigOption<String> o, List<String> errors) {
    if (get(o).isBlank()) {
      errors.add(o.key() + " must not be empty");
    }
  }

  private void positive(ConfigOption<Integer> o, List<String> errors) {
    if (get(o) <= 0) {
      errors.add(o.key() + " must be positive");
    }
  }

  private static String resolveEnv(
      String key, String value, Map<String, String> env, List<String> errors) {
    Matcher m = ENV_REF.matcher(value);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null) {
        errors.add("option '" + key + "' refers to ${" + m.group(1) + "}, which is not set");
        v = "";
      }
      m.appendReplacement(b, Matcher.quoteReplacement(v));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String suggestion(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : BY_KEY.keySet()) {
      int d = distance(k, key);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= 4 ? ": did you mean '" + best + "'?" : ": see the README's option table";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else {
      out.put(prefix, node.asText());
    }
  }
}
