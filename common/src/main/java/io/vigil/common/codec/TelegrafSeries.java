package io.vigil.common.codec;

import io.vigil.common.model.Histograms;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the fields of one Telegraf metric (line protocol or Telegraf JSON) become series: {@code
 * measurement_field}, a field called {@code value} keeping the measurement's name, as Telegraf's
 * Prometheus output names them. One layout is read as what it says: Telegraf's Prometheus input
 * with {@code metric_version = 1} (its default) writes each metric family as one metric named after
 * it, with fields named after the sample type, and so says what Prometheus' remote write does not:
 *
 * <ul>
 *   <li>a counter is the one field {@code counter}: the series {@code measurement}, a running
 *       total;
 *   <li>a gauge is the one field {@code gauge}: the series {@code measurement};
 *   <li>a histogram is {@code count}, {@code sum} and one field per bucket named by its upper bound
 *       ({@code 0.1}, ..., {@code +Inf}): the series {@code measurement_bucket{le=..}}, {@code
 *       measurement_count} and {@code measurement_sum}, all running totals, as remote write would
 *       have sent them;
 *   <li>a summary is {@code count}, {@code sum} and one field per quantile ({@code 0.5}, {@code
 *       0.99}): the gauges {@code measurement{quantile=..}} and the running totals {@code
 *       measurement_count} and {@code measurement_sum}.
 * </ul>
 *
 * With {@code metric_version = 2} every sample is a metric called {@code prometheus} whose one
 * field is the sample's name: the series keeps that name (as Telegraf's Prometheus output does) and
 * Prometheus' naming rules apply as for remote write ({@code *_total} a counter; {@code *_bucket}
 * with {@code le} a bucket, and the job finds out about {@code _count} and {@code _sum}). Any other
 * set of fields (one that merely has a {@code count} and a {@code sum}, say) is named the plain
 * way.
 */
final class TelegrafSeries {
  private TelegrafSeries() {}

  /** The series one field becomes: its metric, an extra tag (or none) and whether it is a total. */
  record Series(String metric, String tag, String tagValue, boolean cumulative) {
    /** The point's tags: the metric's, plus this series' own tag if it has one. */
    Map<String, String> tags(Map<String, String> metricTags) {
      if (tag == null) {
        return metricTags;
      }
      Map<String, String> t = new TreeMap<>(metricTags);
      t.put(tag, tagValue);
      return t;
    }
  }

  /** What a metric's set of fields says it is. */
  enum Layout {
    PLAIN,
    PROMETHEUS,
    COUNTER,
    GAUGE,
    HISTOGRAM,
    SUMMARY
  }

  /** Reads the layout of a metric from the names of all its fields. */
  static Layout layout(String measurement, Collection<String> fields) {
    if (measurement.equals("prometheus")) {
      return Layout.PROMETHEUS;
    }
    if (fields.size() == 1) {
      String only = fields.iterator().next();
      return only.equals("counter")
          ? Layout.COUNTER
          : only.equals("gauge") ? Layout.GAUGE : Layout.PLAIN;
    }
    if (fields.size() < 3 || !fields.contains("count") || !fields.contains("sum")) {
      return Layout.PLAIN;
    }
    boolean infinite = false;
    boolean ranks = true;
    for (String f : fields) {
      if (f.equals("count") || f.equals("sum")) {
        continue;
      }
      double bound = bound(f);
      if (Double.isNaN(bound)) {
        return Layout.PLAIN;
      }
      infinite |= bound == Double.POSITIVE_INFINITY;
      ranks &= bound >= 0 && bound <= 1;
    }
    return infinite ? Layout.HISTOGRAM : ranks ? Layout.SUMMARY : Layout.PLAIN;
  }

  /** What field {@code field} of a metric of {@code layout} becomes. */
  static Series series(Layout layout, String measurement, String field) {
    switch (layout) {
      case PROMETHEUS:
        return new Series(field, null, null, field.endsWith("_total"));
      case COUNTER:
        return new Series(measurement, null, null, true);
      case GAUGE:
        return new Series(measurement, null, null, false);
      case HISTOGRAM:
      case SUMMARY:
        if (field.equals("count") || field.equals("sum")) {
          return new Series(measurement + "_" + field, null, null, true);
        }
        String rank = Histograms.format(bound(field));
        return layout == Layout.HISTOGRAM
            ? new Series(measurement + "_bucket", Histograms.LE, rank, true)
            : new Series(measurement, Histograms.QUANTILE, rank, false);
      default:
        return new Series(
            field.equals("value") ? measurement : measurement + "_" + field, null, null, false);
    }
  }

  /** A field name read as a bucket bound or rank, or NaN when it is not one. */
  private static double bound(String field) {
    if (!field.equalsIgnoreCase("+Inf") && !field.matches("[0-9][0-9.eE+-]*")) {
      return Double.NaN; // not "Infinity", "NaN", "1d" or " 1", which Java would read
    }
    try {
      return Histograms.parseBound(field);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
