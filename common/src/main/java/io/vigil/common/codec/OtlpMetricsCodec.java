package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.model.Histograms;
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
 *
 * <p>Histograms and summaries become the series Prometheus would show for them, so that both
 * senders give the same names: {@code x_count} and {@code x_sum}, a summary's quantiles as {@code
 * x{quantile="0.99"}} (gauges), and an explicit-bucket histogram's buckets as {@code
 * x_bucket{le="0.25"}} counting the observations at most that bound ({@code le="+Inf"} all of
 * them). Cumulative ones are running totals (the job takes their rate, and estimates the quantiles
 * from the buckets' increase, see {@link io.vigil.common.model.Histograms}); a delta histogram's
 * counts are turned into per-second rates here, over its {@code startTimeUnixNano} to {@code
 * timeUnixNano}. An exponential histogram's buckets are written as {@code le} buckets too when the
 * job estimates quantiles ({@link MetricCodec.Settings#exponentialBuckets()}), else it gives its
 * count and sum only. Never throws.
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
    String label = where + "metric '" + MetricJsonCodec.abbreviate(name) + "' ";
    if (metric.has("gauge")) {
      dataPoints(
          metric.get("gauge"),
          label,
          points,
          errors,
          (dp, out) -> gauge(name, false, resource, dp, out));
    } else if (metric.has("sum")) {
      JsonNode data = metric.get("sum");
      boolean cumulative =
          temporality(data.get("aggregationTemporality")) == CUMULATIVE
              && data.path("isMonotonic").asBoolean(false);
      dataPoints(
          data, label, points, errors, (dp, out) -> gauge(name, cumulative, resource, dp, out));
    } else if (metric.has("histogram") || metric.has("exponentialHistogram")) {
      boolean exponential = !metric.has("histogram");
      JsonNode data = metric.get(exponential ? "exponentialHistogram" : "histogram");
      boolean cumulative = temporality(data.get("aggregationTemporality")) == CUMULATIVE;
      dataPoints(
          data,
          label,
          points,
          errors,
          (dp, out) -> histogram(name, cumulative, !exponential, resource, dp, out));
    } else if (metric.has("summary")) {
      dataPoints(
          metric.get("summary"),
          label,
          points,
          errors,
          (dp, out) -> summary(name, resource, dp, out));
    } else {
      errors.add(label + "has no gauge, sum, histogram or summary data: not scored");
    }
  }

  /** What one data point becomes, or why it can't be used. */
  private interface PointReader {
    void read(JsonNode dp, List<MetricPoint> out) throws LogFields.BadRecord;
  }

  /** Reads every data point of {@code data}: all of a point's series, or one error for it. */
  private static void dataPoints(
      JsonNode data,
      String label,
      List<MetricPoint> points,
      List<String> errors,
      PointReader reader) {
    JsonNode dps = data.get("dataPoints");
    if (dps == null || !dps.isArray()) {
      errors.add(label + "has no 'dataPoints' array");
      return;
    }
    for (int d = 0; d < dps.size(); d++) {
      List<MetricPoint> out = new ArrayList<>();
      try {
        reader.read(dps.get(d), out);
        points.addAll(out);
      } catch (LogFields.BadRecord e) {
        errors.add(label + "dataPoints[" + d + "] " + e.getMessage());
      }
    }
  }

  private void gauge(
      String name,
      boolean cumulative,
      Map<String, String> resource,
      JsonNode dp,
      List<MetricPoint> out)
      throws LogFields.BadRecord {
    Map<String, String> tags = tags(dp, resource, null);
    out.add(reading(name, tags, time(dp) / 1_000_000, value(dp), cumulative));
  }

  private void histogram(
      String name,
      boolean cumulative,
      boolean withBuckets,
      Map<String, String> resource,
      JsonNode dp,
      List<MetricPoint> out)
      throws LogFields.BadRecord {
    Map<String, String> tags = tags(dp, resource, Histograms.LE);
    long nanos = time(dp);
    long millis = nanos / 1_000_000;
    // a delta's counts become per-second rates, a cumulative one's stay totals
    double per = 1;
    if (!cumulative) {
      long start = OtlpLogsCodec.nanos(dp.get("startTimeUnixNano"), "startTimeUnixNano");
      if (start <= 0 || start >= nanos) {
        throw new LogFields.BadRecord(
            "is a delta histogram point without a 'startTimeUnixNano' before its"
                + " 'timeUnixNano': its counts can't be made a rate");
      }
      per = (nanos - start) / 1e9;
    }
    double count = count(dp.get("count"), "count");
    out.add(reading(name + "_count", tags, millis, count / per, cumulative));
    JsonNode sum = dp.get("sum");
    if (sum != null && sum.isNumber()) {
      out.add(reading(name + "_sum", tags, millis, sum.doubleValue() / per, cumulative));
    }
    List<double[]> buckets =
        withBuckets
            ? explicitBuckets(dp)
            : settings.exponentialBuckets() ? exponentialBuckets(dp) : List.of();
    // (bound, count in that bucket) pairs become x_bucket{le}: the observations up to the bound
    double total = 0;
    for (double[] b : buckets) {
      total += b[1];
      Map<String, String> t = new TreeMap<>(tags);
      t.put(Histograms.LE, Histograms.format(b[0]));
      out.add(reading(name + "_bucket", t, millis, total / per, cumulative));
    }
  }

  /**
   * An exponential histogram's buckets as (bound, count) pairs for {@code le} buckets: bucket
   * {@code i} of scale {@code s} holds the values whose magnitude lies in {@code (b^i, b^(i+1)]},
   * {@code b = 2^(2^-s)}. From the most negative up: the negative buckets ({@code le = -b^i}), the
   * zero bucket ({@code le} = its threshold), the lower edge of the first positive bucket (so that
   * the estimate does not take it to start at 0), the positive buckets ({@code le = b^(i+1)}) and
   * {@code +Inf}. Counts at a bound do not depend on the scale, so readings before and after a
   * rescale compare.
   */
  private static List<double[]> exponentialBuckets(JsonNode dp) throws LogFields.BadRecord {
    JsonNode scaleNode = dp.get("scale");
    int scale = scaleNode == null ? 0 : scaleNode.asInt(Integer.MIN_VALUE);
    if (scale < -10 || scale > 20) {
      throw new LogFields.BadRecord("'scale' must be an integer from -10 to 20");
    }
    double step = Math.scalb(1.0, -scale);
    List<double[]> bounds = new ArrayList<>();
    JsonNode negative = dp.path("negative");
    int negOffset = negative.path("offset").asInt(0);
    JsonNode negCounts = negative.path("bucketCounts");
    for (int k = negCounts.size() - 1; k >= 0; k--) {
      double c = count(negCounts.get(k), "negative.bucketCounts[" + k + "]");
      bounds.add(new double[] {-Math.pow(2, (negOffset + k) * step), c});
    }
    double zero = count(dp.get("zeroCount"), "zeroCount");
    double threshold = dp.path("zeroThreshold").asDouble(0);
    bounds.add(new double[] {Math.max(0, threshold), zero});
    JsonNode positive = dp.path("positive");
    int posOffset = positive.path("offset").asInt(0);
    JsonNode posCounts = positive.path("bucketCounts");
    if (posCounts.size() > 0) {
      bounds.add(new double[] {Math.pow(2, posOffset * step), 0});
    }
    for (int k = 0; k < posCounts.size(); k++) {
      double c = count(posCounts.get(k), "positive.bucketCounts[" + k + "]");
      bounds.add(new double[] {Math.pow(2, (posOffset + k + 1) * step), c});
    }
    bounds.add(new double[] {Double.POSITIVE_INFINITY, 0});
    for (int i = 1; i < bounds.size(); i++) {
      double b = bounds.get(i)[0];
      if (!(b > bounds.get(i - 1)[0]) || (i < bounds.size() - 1 && Double.isInfinite(b))) {
        throw new LogFields.BadRecord(
            "exponential buckets of scale " + scale + " at these offsets overlap or overflow");
      }
    }
    return bounds;
  }

  /** An explicit-bucket histogram's (bound, count) pairs, the last +Inf; none without buckets. */
  private static List<double[]> explicitBuckets(JsonNode dp) throws LogFields.BadRecord {
    JsonNode counts = dp.get("bucketCounts");
    JsonNode bounds = dp.get("explicitBounds");
    int n = counts == null || !counts.isArray() ? 0 : counts.size();
    if (n == 0) {
      return List.of(); // a histogram without buckets: count and sum only
    }
    if (bounds == null || !bounds.isArray() || bounds.size() != n - 1) {
      throw new LogFields.BadRecord(
          "has "
              + n
              + " 'bucketCounts' but "
              + (bounds == null || !bounds.isArray() ? "no" : bounds.size())
              + " 'explicitBounds' (one fewer is needed)");
    }
    List<double[]> pairs = new ArrayList<>(n);
    double previous = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double bound = Double.POSITIVE_INFINITY;
      if (i < n - 1) {
        JsonNode b = bounds.get(i);
        bound = b.isNumber() ? b.doubleValue() : Double.NaN;
        if (!(bound > previous) || Double.isInfinite(bound)) {
          throw new LogFields.BadRecord(
              "'explicitBounds' must be finite numbers in increasing order, ["
                  + i
                  + "] is "
                  + MetricJsonCodec.abbreviate(b.toString()));
        }
        previous = bound;
      }
      pairs.add(new double[] {bound, count(counts.get(i), "bucketCounts[" + i + "]")});
    }
    return pairs;
  }

  private void summary(
      String name, Map<String, String> resource, JsonNode dp, List<MetricPoint> out)
      throws LogFields.BadRecord {
    Map<String, String> tags = tags(dp, resource, Histograms.QUANTILE);
    long millis = time(dp) / 1_000_000;
    // a summary's count and sum are totals since its start
    out.add(reading(name + "_count", tags, millis, count(dp.get("count"), "count"), true));
    JsonNode sum = dp.get("sum");
    if (sum != null && sum.isNumber()) {
      out.add(reading(name + "_sum", tags, millis, sum.doubleValue(), true));
    }
    JsonNode qs = dp.get("quantileValues");
    for (int i = 0; qs != null && i < qs.size(); i++) {
      JsonNode q = qs.get(i);
      double rank = q.path("quantile").asDouble(Double.NaN);
      JsonNode v = q.get("value");
      if (!(rank >= 0 && rank <= 1) || v == null || !v.isNumber()) {
        throw new LogFields.BadRecord(
            "quantileValues[" + i + "] needs a 'quantile' in [0, 1] and a numeric 'value'");
      }
      Map<String, String> t = new TreeMap<>(tags);
      t.put(Histograms.QUANTILE, Histograms.format(rank));
      out.add(reading(name, t, millis, v.doubleValue(), false));
    }
  }

  /**
   * A data point's tags: the resource's and its attributes; {@code reserved} (if not null) is
   * Vigil's to set.
   */
  private static Map<String, String> tags(
      JsonNode dp, Map<String, String> resource, String reserved) throws LogFields.BadRecord {
    if ((dp.path("flags").asInt(0) & NO_RECORDED_VALUE) != 0) {
      throw new LogFields.BadRecord("has no recorded value (flag set by its sender)");
    }
    Map<String, String> tags = new TreeMap<>(resource);
    tags.putAll(OtlpLogsCodec.keyValues(dp.get("attributes")));
    if (reserved != null && tags.containsKey(reserved)) {
      throw new LogFields.BadRecord(
          "has an attribute '" + reserved + "', which names its bucket or quantile series");
    }
    return tags;
  }

  private static long time(JsonNode dp) throws LogFields.BadRecord {
    long nanos = OtlpLogsCodec.nanos(dp.get("timeUnixNano"), "timeUnixNano");
    if (nanos == 0) {
      throw new LogFields.BadRecord("missing field 'timeUnixNano'");
    }
    return nanos;
  }

  private MetricPoint reading(
      String metric, Map<String, String> tags, long millis, double value, boolean cumulative)
      throws LogFields.BadRecord {
    MetricPoint p = MetricCodec.point(settings, metric, tags, millis, value);
    // OTLP says itself: a delta histogram's buckets are not totals
    return new MetricPoint(
        p.tenant(), p.source(), p.metric(), p.tags(), p.timestamp(), p.value(), cumulative);
  }

  /** A uint64 count: a number or its text, as proto3 JSON writes 64-bit integers. */
  private static double count(JsonNode c, String field) throws LogFields.BadRecord {
    if (c != null && c.isIntegralNumber() && c.longValue() >= 0) {
      return c.doubleValue();
    }
    if (c != null && c.isTextual()) {
      try {
        long v = Long.parseLong(c.textValue().trim());
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    if (c == null) {
      return 0; // proto3 JSON leaves zero fields out
    }
    throw new LogFields.BadRecord(
        "'"
            + field
            + "' must be a count (a non-negative integer), was "
            + (c == null ? "missing" : MetricJsonCodec.abbreviate(c.toString())));
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
