package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.model.MetricPoint;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes Prometheus samples as prometheus-kafka-adapter writes them from Prometheus' remote write
 * (its JSON and Avro-JSON serializations have the same shape): one sample a message, {@code
 * {"timestamp": "2026-12-03T11:00:00Z", "value": "0.25", "name": "up", "labels": {"__name__": "up",
 * "job": "node", "instance": "web-1:9100"}}}, or an array of them.
 *
 * <p>The value is text as Go writes it (a number, {@code NaN}, {@code +Inf}, {@code -Inf}); a
 * number is taken too. {@code NaN} is what remote write sends as a staleness marker when a series
 * disappears: nothing to score, so it is a dead letter with that reason. The timestamp is RFC 3339
 * text or an epoch number in any unit ({@link MetricCodec#epochMillis}). {@code __name__} leaves
 * the tags. Prometheus' {@code job} label is the service: it is the source when no {@code source}
 * or {@code service} label names one, and {@code instance} stays a tag. By Prometheus' naming rules
 * a metric ending in {@code _total} is a counter and a {@code _bucket} series with an {@code le}
 * label a histogram's cumulative bucket: both are running totals (the job scores a counter's
 * per-second rate, and a histogram's quantiles estimated from its buckets' increase). A summary's
 * or histogram's {@code _count} and {@code _sum} are left unmarked: the job marks them once it has
 * seen their family's bucket or quantile series; other totals can be named in {@code
 * metrics.cumulative-metrics}. Never throws.
 */
final class PrometheusJsonCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final MetricCodec.Settings settings;

  PrometheusJsonCodec(MetricCodec.Settings settings) {
    this.settings = settings;
  }

  /**
   * Whether a JSON tree has the adapter's shape: an object (or the first of an array) with labels.
   */
  static boolean looksLikePrometheus(JsonNode root) {
    JsonNode first = root != null && root.isArray() && !root.isEmpty() ? root.get(0) : root;
    return first != null
        && first.isObject()
        && first.path("labels").isObject()
        && first.has("value")
        && !first.has("metric");
  }

  /** Decodes one message's JSON tree. Never throws. */
  MetricJsonCodec.Result decode(JsonNode root) {
    List<MetricPoint> points = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    if (root != null && root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        decodeOne(root.get(i), "[" + i + "] ", points, errors);
      }
      if (root.isEmpty()) {
        errors.add("Prometheus: no samples");
      }
    } else {
      decodeOne(root, "", points, errors);
    }
    return new MetricJsonCodec.Result(points, errors);
  }

  private void decodeOne(JsonNode m, String where, List<MetricPoint> points, List<String> errors) {
    try {
      if (m == null || !m.isObject()) {
        throw new LogFields.BadRecord("expected a JSON object");
      }
      Map<String, String> tags = MetricCodec.strings(m.get("labels"), "labels", "label");
      String labelName = tags.remove("__name__");
      JsonNode n = m.get("name");
      String name =
          n != null && n.isTextual() && !n.textValue().isEmpty() ? n.textValue() : labelName;
      if (name == null || name.isEmpty()) {
        throw new LogFields.BadRecord("no metric name: field 'name' and label '__name__' missing");
      }
      if (!tags.containsKey("source")
          && !tags.containsKey("service")
          && !tags.containsKey("service.name")
          && tags.containsKey("job")) {
        tags.put("source", tags.remove("job"));
      }
      double value = value(m.get("value"), name);
      long millis = TelegrafJsonCodec.timestamp(m.get("timestamp"));
      MetricPoint p = MetricCodec.point(settings, name, tags, millis, value);
      boolean counter =
          name.endsWith("_total") || name.endsWith("_bucket") && tags.containsKey("le");
      points.add(counter ? p.asCumulative() : p);
    } catch (LogFields.BadRecord e) {
      errors.add(where + e.getMessage());
    }
  }

  private static double value(JsonNode v, String name) throws LogFields.BadRecord {
    if (v != null && v.isNumber()) {
      return v.doubleValue();
    }
    if (v == null || !v.isTextual()) {
      throw new LogFields.BadRecord("field 'value' must be a number or its text");
    }
    String s = v.textValue().trim();
    if (s.equals("NaN")) {
      throw new LogFields.BadRecord(
          "value of '"
              + MetricJsonCodec.abbreviate(name)
              + "' is NaN (Prometheus' staleness marker: the series is gone); nothing to score");
    }
    if (s.endsWith("Inf")) {
      throw new LogFields.BadRecord(
          "value of '" + MetricJsonCodec.abbreviate(name) + "' is not finite: " + s);
    }
    try {
      if (!InfluxLineCodec.FLOAT.matcher(s).matches()) {
        throw new NumberFormatException(s);
      }
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new LogFields.BadRecord(
          "value of '"
              + MetricJsonCodec.abbreviate(name)
              + "' is not a number: '"
              + MetricJsonCodec.abbreviate(s)
              + "'");
    }
  }
}
