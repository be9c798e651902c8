package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.model.MetricPoint;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes what the OpenTelemetry Collector's Kafka exporter writes for metrics with {@code
 * encoding: otlp_json}: one ExportMetricsServiceRequest, {@code resourceMetrics[].resource}, {@code
 * scopeMetrics[].metrics[]}. Gauges and sums are scored, each data point with its {@code
 * timeUnixNano} and {@code asDouble} or {@code asInt}; the series' tags are the resource's and the
 * data point's attributes (the point's win), tenant and source taken from them as {@link
 * MetricCodec} says ({@code service.name} is the source). A cumulative monotonic sum is a running
 * total: its points are marked {@link MetricPoint#cumulative()}, and the job scores its rate; delta
 * sums and non-monotonic sums (an up-down counter's current value) are scored as they are.
 * Histograms and summaries are reported, once per metric, as not scored. Never throws.
 */
final class OtlpMetricsCodec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int CUMULATIVE = 2;
  private static final int NO_RECORDED_VALUE = 1;

  private final MetricCodec.Settings settings;

  OtlpMetricsCodec(MetricCodec.Settings settings) {
    this.settings = settings;
  }

  /** Decodes one message's JSON tree. Never throws. */
  MetricJsonCodec.Result decode(JsonNode root) {
    List<MetricPoint> points = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    JsonNode rms = root == null ? null : root.get("resourceMetrics");
    if (rms == null || !rms.isArray()) {
      return MetricCodec.error("OTLP: field 'resourceMetrics' must be an array");
    }
    for (int r = 0; r < rms.size(); r++) {
      JsonNode rm = rms.get(r);
      Map<String, String> resource;
      try {
        resource = OtlpLogsCodec.keyValues(rm.path("resource").get("attributes"));
      } catch (LogFields.BadRecord e) {
        errors.add("resourceMetrics[" + r + "].resource: " + e.getMessage());
        continue;
      }
      JsonNode sms = rm.get("scopeMetrics");
      if (sms == null || !sms.isArray()) {
        errors.add("resourceMetrics[" + r + "]: field 'scopeMetrics' must be an array");
        continue;
      }
      for (int s = 0; s < sms.size(); s++) {
        JsonNode ms = sms.get(s).get("metrics");
        String where = "resourceMetrics[" + r + "].scopeMetrics[" + s + "]";
        if (ms == null || !ms.isArray()) {
          errors.add(where + ": 'metrics' must be an array");
          continue;
        }
        for (int m = 0; m < ms.size(); m++) {
          metric(ms.get(m), resource, where + ".metrics[" + m + "] ", points, errors);
        }
      }
    }
    if (points.isEmpty() && errors.isEmpty()) {
      errors.add("OTLP: no metrics");
    }
    return new MetricJsonCodec.Result(points, errors);
  }

  private void metric(
      JsonNode metric,
      Map<String, String> resource,
      String where,
      List<MetricPoint> points,
      List<String> errors) {
    String name = metric.path("name").asText("");
    if (name.isBlank()) {
      errors.add(where + "missing metric 'name'");
      return;
    }
    String label = "metric '" + MetricJsonCodec.abbreviate(name) + "' ";
    JsonNode data;
    boolean cumulative = false;
    if (metric.has("gauge")) {
      data = metric.get("gauge");
    } else if (metric.has("sum")) {
      data = metric.get("sum");
      cumulative =
          temporality(data.get("aggregationTemporality")) == CUMULATIVE
              && data.path("isMonotonic").asBoolean(false);
    } else {
      String kind =
          metric.has("histogram")
              ? "histogram"
              : metric.has("exponentialHistogram")
                  ? "exponential histogram"
                  : metric.has("summary") ? "summary" : "metric without gauge or sum data";
      errors.add(where + label + "is a " + kind + ": not scored (gauges and sums are)");
      return;
    }
    JsonNode dps = data.get("dataPoints");
    if (dps == null || !dps.isArray()) {
      errors.add(where + label + "has no 'dataPoints' array");
      return;
    }
    for (int d = 0; d < dps.size(); d++) {
      JsonNode dp = dps.get(d);
      try {
        if ((dp.path("flags").asInt(0) & NO_RECORDED_VALUE) != 0) {
          throw new LogFields.BadRecord("has no recorded value (flag set by its sender)");
        }
        long nanos = OtlpLogsCodec.nanos(dp.get("timeUnixNano"), "timeUnixNano");
        if (nanos == 0) {
          throw new LogFields.BadRecord("missing field 'timeUnixNano'");
        }
        Map<String, String> tags = new TreeMap<>(resource);
        tags.putAll(OtlpLogsCodec.keyValues(dp.get("attributes")));
        MetricPoint p = MetricCodec.point(settings, name, tags, nanos / 1_000_000, value(dp));
        points.add(cumulative ? p.asCumulative() : p);
      } catch (LogFields.BadRecord e) {
        errors.add(where + label + "dataPoints[" + d + "] " + e.getMessage());
      }
    }
  }

  /** proto3 JSON writes the enum as its number or its name. */
  private static int temporality(JsonNode t) {
    if (t == null) {
      return 0;
    }
    if (t.canConvertToInt()) {
      return t.intValue();
    }
    return t.asText("").endsWith("CUMULATIVE") ? CUMULATIVE : 0;
  }

  /** {@code asDouble} (a number, or "NaN"/"Infinity" as text) or {@code asInt} (int64 as text). */
  private static double value(JsonNode dp) throws LogFields.BadRecord {
    JsonNode d = dp.get("asDouble");
    if (d != null && d.isNumber()) {
      return d.doubleValue();
    }
    if (d != null && d.isTextual()) {
      throw new LogFields.BadRecord(
          "'asDouble' is '" + MetricJsonCodec.abbreviate(d.asText()) + "', not a finite number");
    }
    JsonNode i = dp.get("asInt");
    if (i != null && i.isIntegralNumber()) {
      return i.doubleValue();
    }
    if (i != null && i.isTextual()) {
      try {
        return Long.parseLong(i.textValue().trim());
      } catch (NumberFormatException e) {
        throw new LogFields.BadRecord(
            "'asInt' is not an integer: '" + MetricJsonCodec.abbreviate(i.textValue()) + "'");
      }
    }
    throw new LogFields.BadRecord("has neither 'asDouble' nor 'asInt'");
  }
}
