package io.vigil.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void quantilesInterpolateInsideTheirBucketAsPrometheusDoes() {
    double[] le = {0.1, 0.5, 1, INF};
    double[] counts = {40, 90, 99, 100};
    // rank 50 falls in (0.1, 0.5], 10 of its 50 observations: 0.1 + 0.4 * 10 / 50
    assertThat(Histograms.quantile(0.5, le, counts)).isCloseTo(0.18, within(1e-12));
    // rank 20 in the first bucket, which starts at 0
    assertThat(Histograms.quantile(0.2, le, counts)).isCloseTo(0.05, within(1e-12));
    // rank 99 is the end of (0.5, 1]
    assertThat(Histograms.quantile(0.99, le, counts)).isCloseTo(1.0, within(1e-12));
    // rank 99.9 falls in +Inf: the highest finite bound
    assertThat(Histograms.quantile(0.999, le, counts)).isEqualTo(1.0);
  }

  @Test
  void nothingToEstimateFromIsNaNAndBucketsSeenAtDifferentMomentsAreMadeMonotonic() {
    assertThat(Histograms.quantile(0.5, new double[] {1, INF}, new double[] {0, 0})).isNaN();
    assertThat(Histograms.quantile(0.5, new double[] {1, 2}, new double[] {1, 2})).isNaN();
    assertThat(Histograms.quantile(0.5, new double[] {INF}, new double[] {3})).isNaN();
    // the middle bucket reads lower than the first: taken as 10, so rank 10 is the first's end
    assertThat(Histograms.quantile(0.5, new double[] {1, 2, INF}, new double[] {10, 8, 20}))
        .isEqualTo(1.0);
    // a non-positive lowest bound is the answer for ranks inside it
    assertThat(Histograms.quantile(0.1, new double[] {-1, 0, INF}, new double[] {5, 8, 10}))
        .isEqualTo(-1.0);
  }

  @Test
  void bucketsQuantilesCountAndSumOfOneFamilyShareItsKey() {
    Map<String, String> code = Map.of("code", "200");
    MetricPoint bucket =
        new MetricPoint("t", "s", "rpc_seconds_bucket", Map.of("le", "1", "code", "200"), 1, 3);
    MetricPoint count = new MetricPoint("t", "s", "rpc_seconds_count", code, 1, 9);
    MetricPoint sum = new MetricPoint("t", "s", "rpc_seconds_sum", code, 1, 2.5);
    MetricPoint quantile =
        new MetricPoint("t", "s", "rpc_seconds", Map.of("quantile", "0.9", "code", "200"), 1, 0.7);
    for (MetricPoint p : List.of(bucket, count, sum, quantile)) {
      assertThat(Histograms.isFamilyMember(p)).as(p.metric()).isTrue();
      assertThat(Histograms.familyKey(p))
          .as(p.metric())
          .isEqualTo(SeriesKey.of("t", "s", "rpc_seconds", code));
    }
    assertThat(Histograms.isUnmarkedTotal(count)).isTrue();
    assertThat(Histograms.isUnmarkedTotal(sum)).isTrue();
    assertThat(Histograms.isSummaryQuantile(quantile)).isTrue();
    // marked by its sender (OTLP, Vigil JSON, metrics.cumulative-metrics): nothing to find out
    assertThat(Histograms.isFamilyMember(count.asCumulative())).isFalse();
    for (String other : List.of("_count", "_sum", "rpc_counter", "rpc_summary")) {
      assertThat(Histograms.isFamilyMember(new MetricPoint("t", "s", other, code, 1, 1)))
          .as(other)
          .isFalse();
    }
  }

  @Test
  void bucketSeriesAreRecognisedByNameAndTagAndBoundsReadAndWrittenAsPrometheusDoes() {
    MetricPoint bucket =
        new MetricPoint("t", "s", "http_duration_bucket", Map.of("le", "0.5", "code", "200"), 1, 3);
    assertThat(Histograms.isBucket(bucket)).isTrue();
    assertThat(Histograms.histogramName(bucket)).isEqualTo("http_duration");
    assertThat(Histograms.histogramTags(bucket)).isEqualTo(Map.of("code", "200"));
    assertThat(Histograms.histogramKey(bucket))
        .isEqualTo(
            Histograms.histogramKey(
                new MetricPoint(
                    "t", "s", "http_duration_bucket", Map.of("le", "+Inf", "code", "200"), 1, 9)));
    assertThat(Histograms.isBucket(new MetricPoint("t", "s", "x_bucket", Map.of(), 1, 3)))
        .isFalse();
    assertThat(Histograms.isBucket(new MetricPoint("t", "s", "x", Map.of("le", "1"), 1, 3)))
        .isFalse();
    assertThat(Histograms.format(0.005)).isEqualTo("0.005");
    assertThat(Histograms.format(1.0)).isEqualTo("1");
    assertThat(Histograms.format(0.0000025)).isEqualTo("0.0000025");
    assertThat(Histograms.format(2.5e-7)).isEqualTo("2.5E-7");
    assertThat(Histograms.format(-3e21)).isEqualTo("-3.0E21");
    for (double b : new double[] {1.0905077326652577, 2.5e-7, 1e300, -0.125}) {
      assertThat(Histograms.parseBound(Histograms.format(b))).isEqualTo(b);
    }
    assertThat(Histograms.format(INF)).isEqualTo("+Inf");
    assertThat(Histograms.parseBound("+Inf")).isEqualTo(INF);
    assertThat(Histograms.parseBound("0.25")).isEqualTo(0.25);
    assertThat(Histograms.parseBound("1e3")).isEqualTo(1000);
  }
}
