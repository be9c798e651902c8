package io.vigil.common.model;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus' conventions for histograms, shared by the codecs that write bucket series and the job
 * that turns them into quantiles: a histogram {@code x} is the series {@code x_bucket} with an
 * {@code le} tag (the bucket's inclusive upper bound, the last one {@code +Inf}) holding how many
 * observations were at most that bound, plus {@code x_count} and {@code x_sum}. A quantile is
 * estimated as Prometheus' {@code histogram_quantile} does it.
 */
public final class Histograms {
  private Histograms() {}

  /** The tag holding a bucket's upper bound. */
  public static final String LE = "le";

  /** The tag holding a quantile's rank, as a summary's quantile series have it. */
  public static final String QUANTILE = "quantile";

  private static final String BUCKET_SUFFIX = "_bucket";

  private static final String COUNT_SUFFIX = "_count";

  private static final String SUM_SUFFIX = "_sum";

  /** Whether {@code p} is one bucket of a histogram: {@code *_bucket} with an {@code le} tag. */
  public static boolean isBucket(MetricPoint p) {
    return isBucket(p.metric(), p.tags());
  }

  /**
   * Whether a series named {@code metric} with {@code tags} is one bucket of a histogram, which by
   * Prometheus' conventions is a running total unless its sender says otherwise.
   */
  public static boolean isBucket(String metric, Map<String, String> tags) {
    return metric.endsWith(BUCKET_SUFFIX)
        && metric.length() > BUCKET_SUFFIX.length()
        && tags.containsKey(LE);
  }

  /**
   * Whether {@code p} is a summary's quantile series ({@code x{quantile="0.99"}}): a gauge, but one
   * that says its family {@code x} is a summary, whose {@code x_count} and {@code x_sum} are
   * running totals.
   */
  public static boolean isSummaryQuantile(MetricPoint p) {
    return p.tags().containsKey(QUANTILE) && !p.tags().containsKey(LE);
  }

  /**
   * Whether {@code p} may be a histogram's or summary's {@code x_count} or {@code x_sum} that its
   * sender did not mark as a running total (Prometheus' remote write, line protocol and Telegraf
   * carry no type): it is one when its family also has bucket or quantile series.
   */
  public static boolean isUnmarkedTotal(MetricPoint p) {
    String m = p.metric();
    return !p.cumulative()
        && !p.tags().containsKey(LE)
        && !p.tags().containsKey(QUANTILE)
        && ((m.endsWith(COUNT_SUFFIX) && m.length() > COUNT_SUFFIX.length())
            || (m.endsWith(SUM_SUFFIX) && m.length() > SUM_SUFFIX.length()));
  }

  /**
   * Whether {@code p} belongs to what the job handles per histogram or summary: a bucket, a
   * summary's quantile or an unmarked {@code _count} / {@code _sum}.
   */
  public static boolean isFamilyMember(MetricPoint p) {
    return isBucket(p) || isSummaryQuantile(p) || isUnmarkedTotal(p);
  }

  /**
   * The key of the histogram or summary {@code p} belongs to (Prometheus' metric family): its name
   * without {@code _bucket}, {@code _count} or {@code _sum} and its tags without {@code le} or
   * {@code quantile}, equal for every series of the family.
   */
  public static String familyKey(MetricPoint p) {
    if (isBucket(p)) {
      return histogramKey(p);
    }
    if (isSummaryQuantile(p)) {
      Map<String, String> tags = new TreeMap<>(p.tags());
      tags.remove(QUANTILE);
      return SeriesKey.of(p.tenant(), p.source(), p.metric(), tags);
    }
    String m = p.metric();
    int suffix = m.endsWith(COUNT_SUFFIX) ? COUNT_SUFFIX.length() : SUM_SUFFIX.length();
    return SeriesKey.of(p.tenant(), p.source(), m.substring(0, m.length() - suffix), p.tags());
  }

  /** The histogram's name: a bucket series' metric without {@code _bucket}. */
  public static String histogramName(MetricPoint bucket) {
    String m = bucket.metric();
    return m.substring(0, m.length() - BUCKET_SUFFIX.length());
  }

  /** The bucket series' tags without {@code le}: what all buckets of one histogram share. */
  public static Map<String, String> histogramTags(MetricPoint bucket) {
    Map<String, String> tags = new TreeMap<>(bucket.tags());
    tags.remove(LE);
    return tags;
  }

  /** The key of the histogram a bucket belongs to: equal for all its buckets. */
  public static String histogramKey(MetricPoint bucket) {
    return SeriesKey.of(
        bucket.tenant(), bucket.source(), histogramName(bucket), histogramTags(bucket));
  }

  /**
   * A bucket bound as Prometheus writes it in {@code le} (and a rank in {@code quantile}): {@code
   * +Inf}, or the shortest plain decimal ({@code 0.005}, {@code 1}, {@code 2.5}); below 1e-6 and
   * from 1e21 on with an exponent ({@code 1.0E-9}). It reads back as the same double.
   */
  public static String format(double bound) {
    if (bound == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (bound == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    double magnitude = Math.abs(bound);
    if (magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)) {
      return Double.toString(bound); // 1.0E-9, not 28 digits of zeros
    }
    return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
  }

  /**
   * Parses an {@code le} value: a decimal number or {@code +Inf} (also {@code Inf}, {@code inf}).
   *
   * @throws NumberFormatException when it is neither
   */
  public static double parseBound(String le) {
    String s = le.trim();
    if (s.equalsIgnoreCase("+Inf") || s.equalsIgnoreCase("Inf")) {
      return Double.POSITIVE_INFINITY;
    }
    double v = Double.parseDouble(s);
    if (Double.isNaN(v)) {
      throw new NumberFormatException("NaN is not a bucket bound");
    }
    return v;
  }

  /**
   * The {@code q} quantile of the observations counted by cumulative buckets, as Prometheus' {@code
   * histogram_quantile}: linear interpolation inside the bucket the rank falls in, the lowest
   * bucket starting at 0 (or at its own bound when that is not positive), and the highest finite
   * bound when the rank falls in the {@code +Inf} bucket. Counts that fall from one bucket to the
   * next (a scrape that saw the buckets at different moments) are raised to the one before.
   *
   * @param upperBounds strictly increasing, the last {@code +Inf}
   * @param cumulativeCounts observations at most each bound
   * @return the estimate, or NaN when there is nothing to estimate from (no observations, fewer
   *     than two buckets, or no {@code +Inf} bucket)
   */
  public static double quantile(double q, double[] upperBounds, double[] cumulativeCounts) {
    int n = upperBounds.length;
    if (n != cumulativeCounts.length) {
      throw new IllegalArgumentException("one count per bound is needed");
    }
    if (!(q >= 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile must be in [0, 1], was " + q);
    }
    if (n < 2 || upperBounds[n - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double[] counts = cumulativeCounts.clone();
    for (int i = 1; i < n; i++) {
      counts[i] = Math.max(counts[i], counts[i - 1]);
    }
    double observations = counts[n - 1];
    if (!(observations > 0)) {
      return Double.NaN;
    }
    double rank = q * observations;
    int b = 0;
    while (b < n - 1 && counts[b] < rank) {
      b++;
    }
    if (b == n - 1) {
      return upperBounds[n - 2];
    }
    if (b == 0 && upperBounds[0] <= 0) {
      return upperBounds[0];
    }
    double start = 0;
    double end = upperBounds[b];
    double count = counts[b];
    if (b > 0) {
      start = upperBounds[b - 1];
      count -= counts[b - 1];
      rank -= counts[b - 1];
    }
    return count == 0 ? end : start + (end - start) * (rank / count);
  }
}
