package io.vigil.common.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricCodecTest {
  private static final long KAFKA_TIME = 1_700_000_000_000L;
  private static final MetricJsonCodec.Limits LIMITS =
      new MetricJsonCodec.Limits(4096, 946_684_800_000L, 4_102_444_800_000L);
  private final MetricCodec codec =
      new MetricCodec(new MetricCodec.Settings(LIMITS, MetricCodec.Input.AUTO, "acme", "unknown"));

  private MetricJsonCodec.Result decode(String s) {
    return codec.decode(s.getBytes(StandardCharsets.UTF_8), KAFKA_TIME);
  }

  @Test
  void telegrafLineProtocolBecomesOneSeriesPerNumericField() {
    MetricJsonCodec.Result r =
        decode(
            "cpu,cpu=cpu-total,host=web-1 usage_idle=97.5,usage_user=1.25,busy=true 1700000060000000000\n"
                + "# a comment\n\n"
                + "mem,host=web-1 value=42i,free=7u\n");
    assertThat(r.errors()).isEmpty();
    assertThat(r.points())
        .containsExactly(
            new MetricPoint(
                "acme",
                "web-1",
                "cpu_usage_idle",
                Map.of("cpu", "cpu-total"),
                1_700_000_060_000L,
                97.5),
            new MetricPoint(
                "acme",
                "web-1",
                "cpu_usage_user",
                Map.of("cpu", "cpu-total"),
                1_700_000_060_000L,
                1.25),
            new MetricPoint(
                "acme", "web-1", "cpu_busy", Map.of("cpu", "cpu-total"), 1_700_000_060_000L, 1.0),
            new MetricPoint("acme", "web-1", "mem", Map.of(), KAFKA_TIME, 42.0),
            new MetricPoint("acme", "web-1", "mem_free", Map.of(), KAFKA_TIME, 7.0));
  }

  /** name{tags}=value, + for a running total, for comparing series compactly. */
  private static List<String> series(MetricJsonCodec.Result r) {
    return r.points().stream()
        .map(p -> p.metric() + p.tags() + "=" + p.value() + (p.cumulative() ? "+" : ""))
        .toList();
  }

  @Test
  void telegrafsPrometheusInputVersionOneSaysWhatEachFamilyIs() {
    // inputs.prometheus with metric_version = 1: one metric per family, fields by sample type
    MetricJsonCodec.Result r =
        decode(
            "http_requests_total,host=web-1,code=200 counter=1027 1700000060000000000\n"
                + "process_open_fds,host=web-1 gauge=31 1700000060000000000\n"
                + "http_seconds,host=web-1,code=200 0.1=620,0.5=900,+Inf=1000,count=1000,sum=95.5"
                + " 1700000060000000000\n"
                + "gc_seconds,host=web-1 0.5=0.002,0.99=0.05,count=77,sum=0.4 1700000060000000000\n"
                // a count and a sum beside ordinary fields: named the plain way
                + "jobs,host=web-1 count=3,sum=12,failed=1 1700000060000000000\n"
                // metric_version = 2: the sample's name is the field, Prometheus' names apply
                + "prometheus,host=web-1,code=200 http_requests_total=1027 1700000060000000000\n"
                + "prometheus,host=web-1,le=0.1 http_seconds_bucket=620 1700000060000000000\n"
                + "prometheus,host=web-1 http_seconds_count=1000,go_threads=12"
                + " 1700000060000000000\n");
    assertThat(r.errors()).isEmpty();
    assertThat(series(r))
        .containsExactlyInAnyOrder(
            "http_requests_total{code=200}=1027.0+",
            "process_open_fds{}=31.0",
            "http_seconds_bucket{code=200, le=0.1}=620.0+",
            "http_seconds_bucket{code=200, le=0.5}=900.0+",
            "http_seconds_bucket{code=200, le=+Inf}=1000.0+",
            "http_seconds_count{code=200}=1000.0+",
            "http_seconds_sum{code=200}=95.5+",
            "gc_seconds{quantile=0.5}=0.002",
            "gc_seconds{quantile=0.99}=0.05",
            "gc_seconds_count{}=77.0+",
            "gc_seconds_sum{}=0.4+",
            "jobs_count{}=3.0",
            "jobs_sum{}=12.0",
            "jobs_failed{}=1.0",
            "http_requests_total{code=200}=1027.0+",
            "http_seconds_bucket{le=0.1}=620.0+",
            "http_seconds_count{}=1000.0",
            "go_threads{}=12.0");
    // the same families as Telegraf JSON
    MetricJsonCodec.Result json =
        decode(
            "{\"metrics\":[{\"name\":\"http_seconds\",\"tags\":{\"host\":\"web-1\"},"
                + "\"fields\":{\"0.1\":620,\"+Inf\":1000,\"count\":1000,\"sum\":95.5},"
                + "\"timestamp\":1700000060},{\"name\":\"http_requests_total\",\"tags\":{\"host\":"
                + "\"web-1\"},\"fields\":{\"counter\":1027},\"timestamp\":1700000060}]}");
    assertThat(json.errors()).isEmpty();
    assertThat(series(json))
        .containsExactlyInAnyOrder(
            "http_seconds_bucket{le=0.1}=620.0+",
            "http_seconds_bucket{le=+Inf}=1000.0+",
            "http_seconds_count{}=1000.0+",
            "http_seconds_sum{}=95.5+",
            "http_requests_total{}=1027.0+");
  }

  @Test
  void lineProtocolEscapesAndTenantAndSourceTags() {
    MetricJsonCodec.Result r =
        decode(
            "disk\\ io,path=C:\\\\data\\,x,tenant=globex,source=db\\ 1,mode=a\\=b"
                + " read\\ bytes=5,label=\"a \\\"quoted\\\" text\" 1700000000");
    assertThat(r.points())
        .containsExactly(
            new MetricPoint(
                "globex",
                "db 1",
                "disk io_read bytes",
                Map.of("path", "C:\\data,x", "mode", "a=b"),
                1_700_000_000_000L,
                5.0));
    assertThat(r.errors())
        .containsExactly("line 1: field 'label' is a string, not a number to score");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '~',
      textBlock =
          """
          cpu => line 1: field '' has no '='
          cpu usage=abc => line 1: field 'usage' has no valid value: 'abc'
          cpu usage=NaN => line 1: field 'usage' has no valid value: 'NaN'
          cpu usage=1 12:00 => line 1: timestamp '12:00' is not an integer
          cpu usage="open => line 1: field 'usage' has an unclosed string
          cpu,host usage=1 => line 1: tag 'host' has no '='
          cpu usage=1 1 => line 1: timestamp 1000 outside the accepted range [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z)
          ,host=a usage=1 => line 1: missing measurement
          """)
  void badLinesAreReportedWithTheirReason(String line, String reason) {
    MetricCodec influx =
        new MetricCodec(
            new MetricCodec.Settings(LIMITS, MetricCodec.Input.INFLUX, "acme", "unknown"));
    MetricJsonCodec.Result r = influx.decode(line.getBytes(StandardCharsets.UTF_8), KAFKA_TIME);
    assertThat(r.points()).isEmpty();
    assertThat(r.errors()).containsExactly(reason);
  }

  @Test
  void oneBadLineDoesNotCostTheOthers() {
    MetricJsonCodec.Result r = decode("a v=1 1700000000\nb v=x 1700000000\nc v=3 1700000000");
    assertThat(r.points()).extracting(MetricPoint::metric).containsExactly("a_v", "c_v");
    assertThat(r.errors()).containsExactly("line 2: field 'v' has no valid value: 'x'");
  }

  @Test
  void epochTimestampsInAnyUnitAreToldApartByMagnitude() {
    long millis = 1_700_000_000_123L;
    assertThat(MetricCodec.epochMillis(1_700_000_000L)).isEqualTo(1_700_000_000_000L);
    assertThat(MetricCodec.epochMillis(millis)).isEqualTo(millis);
    assertThat(MetricCodec.epochMillis(millis * 1000 + 456)).isEqualTo(millis);
    assertThat(MetricCodec.epochMillis(millis * 1_000_000 + 456_789)).isEqualTo(millis);
  }

  @Test
  void telegrafJsonSingleAndBatch() {
    String one =
        "{\"fields\":{\"usage_idle\":99.5,\"up\":false,\"state\":\"ok\"},\"name\":\"cpu\","
            + "\"tags\":{\"host\":\"web-2\",\"cpu\":\"cpu0\"},\"timestamp\":1700000000}";
    MetricJsonCodec.Result r = decode(one);
    assertThat(r.points())
        .containsExactly(
            new MetricPoint(
                "acme", "web-2", "cpu_usage_idle", Map.of("cpu", "cpu0"), 1_700_000_000_000L, 99.5),
            new MetricPoint(
                "acme", "web-2", "cpu_up", Map.of("cpu", "cpu0"), 1_700_000_000_000L, 0.0));
    assertThat(r.errors()).containsExactly("field 'state' is a string, not a number to score");

    MetricJsonCodec.Result batch =
        decode(
            "{\"metrics\":[{\"fields\":{\"value\":1},\"name\":\"a\",\"tags\":{},"
                + "\"timestamp\":1700000000000},{\"fields\":{\"v\":2},\"name\":\"b\"}]}");
    assertThat(batch.points())
        .containsExactly(new MetricPoint("acme", "unknown", "a", Map.of(), 1_700_000_000_000L, 1));
    assertThat(batch.errors())
        .containsExactly(
            "metrics[1] field 'timestamp' must be an integer (epoch time) or an RFC 3339 time");
    assertThat(
            decode("{\"fields\":{\"v\":2},\"name\":\"b\",\"timestamp\":\"2023-11-14T22:13:20Z\"}")
                .points())
        .extracting(MetricPoint::timestamp)
        .containsExactly(1_700_000_000_000L);
  }

  @Test
  void vigilJsonWithATagCalledFieldsIsStillVigilJson() {
    MetricJsonCodec.Result r =
        decode(
            "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"tags\":{\"fields\":\"a\"},"
                + "\"timestamp\":1700000000000,\"value\":3}");
    assertThat(r.errors()).isEmpty();
    assertThat(r.points())
        .containsExactly(
            new MetricPoint("t", "s", "m", Map.of("fields", "a"), 1_700_000_000_000L, 3));
  }

  @Test
  void vigilJsonStillDecodesUnderAuto() {
    MetricJsonCodec.Result r =
        decode(
            "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000000000,"
                + "\"value\":3}");
    assertThat(r.errors()).isEmpty();
    assertThat(r.points())
        .containsExactly(new MetricPoint("t", "s", "m", Map.of(), 1_700_000_000_000L, 3));
  }

  @Test
  void prometheusRemoteWriteSamplesFromTheKafkaAdapter() {
    // prometheus-kafka-adapter's JSON: one sample a message, the value as Go formats it
    MetricJsonCodec.Result gauge =
        decode(
            "{\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":\"0.25\",\"name\":\"node_load1\","
                + "\"labels\":{\"__name__\":\"node_load1\",\"instance\":\"web-1:9100\","
                + "\"job\":\"node\"}}");
    assertThat(gauge.errors()).isEmpty();
    assertThat(gauge.points())
        .containsExactly(
            new MetricPoint(
                "acme",
                "node",
                "node_load1",
                Map.of("instance", "web-1:9100"),
                1_700_000_000_000L,
                0.25));
    assertThat(gauge.points().get(0).cumulative()).isFalse();

    // counters by Prometheus' naming rules are running totals; a service label beats the job
    MetricJsonCodec.Result counters =
        decode(
            "[{\"timestamp\":1700000000000,\"value\":\"1027\",\"name\":\"http_requests_total\","
                + "\"labels\":{\"__name__\":\"http_requests_total\",\"service\":\"checkout\","
                + "\"job\":\"kubernetes-pods\",\"tenant\":\"globex\",\"code\":\"200\"}},"
                + "{\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":\"12\",\"name\":"
                + "\"rpc_seconds_bucket\",\"labels\":{\"__name__\":\"rpc_seconds_bucket\","
                + "\"le\":\"0.5\"}},"
                + "{\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":\"0.012\",\"name\":"
                + "\"rpc_seconds\",\"labels\":{\"__name__\":\"rpc_seconds\","
                + "\"quantile\":\"0.99\"}}]");
    assertThat(counters.errors()).isEmpty();
    assertThat(counters.points())
        .extracting(MetricPoint::tenant, MetricPoint::source, MetricPoint::metric)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("globex", "checkout", "http_requests_total"),
            org.assertj.core.groups.Tuple.tuple("acme", "unknown", "rpc_seconds_bucket"),
            org.assertj.core.groups.Tuple.tuple("acme", "unknown", "rpc_seconds"));
    assertThat(counters.points().get(0).tags())
        .isEqualTo(Map.of("code", "200", "job", "kubernetes-pods"));
    assertThat(counters.points())
        .as("a _total counter and a histogram bucket are totals, a summary quantile is a gauge")
        .extracting(MetricPoint::cumulative)
        .containsExactly(true, true, false);

    String sample = "{\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":%s,\"labels\":{%s}}";
    assertThat(decode(String.format(sample, "\"NaN\"", "\"__name__\":\"up\"")).errors())
        .containsExactly(
            "value of 'up' is NaN (Prometheus' staleness marker: the series is gone); nothing to"
                + " score");
    assertThat(decode(String.format(sample, "\"+Inf\"", "\"__name__\":\"up\"")).errors())
        .containsExactly("value of 'up' is not finite: +Inf");
    assertThat(decode(String.format(sample, "\"high\"", "\"__name__\":\"up\"")).errors())
        .containsExactly("value of 'up' is not a number: 'high'");
    assertThat(decode(String.format(sample, "1", "\"job\":\"node\"")).errors())
        .containsExactly("no metric name: field 'name' and label '__name__' missing");
    assertThat(decode(String.format(sample, "1", "\"__name__\":\"up\"")).points())
        .extracting(MetricPoint::value)
        .containsExactly(1.0);

    // Vigil JSON with a tag called labels is still Vigil JSON
    MetricJsonCodec.Result vigil =
        decode(
            "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"tags\":{\"labels\":\"a\"},"
                + "\"timestamp\":1700000000000,\"value\":3}");
    assertThat(vigil.errors()).isEmpty();
    assertThat(vigil.points())
        .containsExactly(
            new MetricPoint("t", "s", "m", Map.of("labels", "a"), 1_700_000_000_000L, 3));
  }

  @Test
  void otlpGaugesAndSumsAreScoredCountersMarkedAndMetricsWithoutDataReported() {
    String otlp =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"checkout"}},
            {"key":"tenant","value":{"stringValue":"globex"}},
            {"key":"region","value":{"stringValue":"eu"}}]},
          "scopeMetrics":[{"scope":{"name":"otel"},"metrics":[
            {"name":"queue.depth","gauge":{"dataPoints":[
              {"attributes":[{"key":"queue","value":{"stringValue":"q1"}}],
               "timeUnixNano":"1700000000000000000","asInt":"17"},
              {"timeUnixNano":"1700000060000000000","asDouble":2.5,
               "attributes":[{"key":"region","value":{"stringValue":"us"}}]},
              {"timeUnixNano":"1700000120000000000","flags":1}]}},
            {"name":"requests","sum":{"aggregationTemporality":1,"isMonotonic":true,
              "dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":5}]}},
            {"name":"active","sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE",
              "isMonotonic":false,"dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"3"}]}},
            {"name":"bytes","sum":{"aggregationTemporality":2,"isMonotonic":true,
              "dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"123456"}]}},
            {"name":"latency","unit":"s"}]}]}]}
        """;
    MetricJsonCodec.Result r = decode(otlp);
    assertThat(r.points())
        .containsExactly(
            new MetricPoint(
                "globex",
                "checkout",
                "queue.depth",
                Map.of("region", "eu", "queue", "q1"),
                1_700_000_000_000L,
                17),
            new MetricPoint(
                "globex",
                "checkout",
                "queue.depth",
                Map.of("region", "us"),
                1_700_000_060_000L,
                2.5),
            new MetricPoint(
                "globex", "checkout", "requests", Map.of("region", "eu"), 1_700_000_000_000L, 5),
            new MetricPoint(
                "globex", "checkout", "active", Map.of("region", "eu"), 1_700_000_000_000L, 3),
            new MetricPoint(
                "globex",
                "checkout",
                "bytes",
                Map.of("region", "eu"),
                1_700_000_000_000L,
                123456,
                true));
    String at = "resourceMetrics[0].scopeMetrics[0].metrics";
    assertThat(r.errors())
        .containsExactly(
            at
                + "[0] metric 'queue.depth' dataPoints[2] has no recorded value (flag set by its sender)",
            at + "[4] metric 'latency' has no gauge, sum, histogram or summary data: not scored");
  }

  @Test
  void otlpHistogramsAndSummariesBecomeTheSeriesPrometheusWouldShow() {
    String otlp =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"checkout"}}]},
          "scopeMetrics":[{"metrics":[
            {"name":"rpc.duration","histogram":{"aggregationTemporality":2,"dataPoints":[
              {"attributes":[{"key":"route","value":{"stringValue":"/pay"}}],
               "timeUnixNano":"1700000060000000000","count":"10","sum":2.5,
               "bucketCounts":["4","5","1"],"explicitBounds":[0.1,0.5]}]}},
            {"name":"db.duration","histogram":{"aggregationTemporality":1,"dataPoints":[
              {"startTimeUnixNano":"1700000000000000000","timeUnixNano":"1700000010000000000",
               "count":"20","bucketCounts":["20","0"],"explicitBounds":[1]}]}},
            {"name":"gc.pause","summary":{"dataPoints":[
              {"timeUnixNano":"1700000060000000000","count":"7","sum":0.7,
               "quantileValues":[{"quantile":0.5,"value":0.09},{"quantile":0.99,"value":0.2}]}]}}]}]}]}
        """;
    MetricJsonCodec.Result r = decode(otlp);
    assertThat(r.errors()).isEmpty();
    long t = 1_700_000_060_000L;
    Map<String, String> pay = Map.of("route", "/pay");
    assertThat(r.points())
        .containsExactly(
            new MetricPoint("acme", "checkout", "rpc.duration_count", pay, t, 10, true),
            new MetricPoint("acme", "checkout", "rpc.duration_sum", pay, t, 2.5, true),
            new MetricPoint(
                "acme",
                "checkout",
                "rpc.duration_bucket",
                Map.of("route", "/pay", "le", "0.1"),
                t,
                4,
                true),
            new MetricPoint(
                "acme",
                "checkout",
                "rpc.duration_bucket",
                Map.of("route", "/pay", "le", "0.5"),
                t,
                9,
                true),
            new MetricPoint(
                "acme",
                "checkout",
                "rpc.duration_bucket",
                Map.of("route", "/pay", "le", "+Inf"),
                t,
                10,
                true),
            // a delta histogram: 20 observations in 10 s are 2 a second
            new MetricPoint(
                "acme", "checkout", "db.duration_count", Map.of(), 1_700_000_010_000L, 2),
            new MetricPoint(
                "acme", "checkout", "db.duration_bucket", Map.of("le", "1"), 1_700_000_010_000L, 2),
            new MetricPoint(
                "acme",
                "checkout",
                "db.duration_bucket",
                Map.of("le", "+Inf"),
                1_700_000_010_000L,
                2),
            new MetricPoint("acme", "checkout", "gc.pause_count", Map.of(), t, 7, true),
            new MetricPoint("acme", "checkout", "gc.pause_sum", Map.of(), t, 0.7, true),
            new MetricPoint("acme", "checkout", "gc.pause", Map.of("quantile", "0.5"), t, 0.09),
            new MetricPoint("acme", "checkout", "gc.pause", Map.of("quantile", "0.99"), t, 0.2));
  }

  @Test
  void otlpExponentialHistogramBucketsBecomeLeBucketsOnlyWhenTheJobWantsQuantiles() {
    // scale 2: bucket i holds (2^(i/4), 2^((i+1)/4)]; 1 value near -1.1, 2 zeros, 1 + 2 near 1,100
    String otlp =
        """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
          {"name":"payload.size","exponentialHistogram":{"aggregationTemporality":2,
            "dataPoints":[{"timeUnixNano":"1700000060000000000","count":"6","sum":3000,
              "scale":2,"zeroCount":"2","negative":{"offset":0,"bucketCounts":["1"]},
              "positive":{"offset":40,"bucketCounts":["1","2"]}}]}}]}]}]}
        """;
    long t = 1_700_000_060_000L;
    MetricJsonCodec.Result r = decode(otlp);
    assertThat(r.errors()).isEmpty();
    assertThat(r.points())
        .allMatch(MetricPoint::cumulative)
        .extracting(p -> p.metric() + (p.tags().containsKey("le") ? " " + p.tags().get("le") : ""))
        .containsExactly(
            "payload.size_count",
            "payload.size_sum",
            "payload.size_bucket -1",
            "payload.size_bucket 0",
            "payload.size_bucket 1024",
            "payload.size_bucket " + Histograms.format(Math.pow(2, 41 / 4.0)),
            "payload.size_bucket " + Histograms.format(Math.pow(2, 42 / 4.0)),
            "payload.size_bucket +Inf");
    assertThat(r.points().subList(2, 8))
        .extracting(MetricPoint::value)
        .containsExactly(1.0, 3.0, 3.0, 4.0, 6.0, 6.0);
    // the median (rank 3) is the end of the zero bucket; the top 2 of 6 lie in (2^10.25, 2^10.5]
    double[] le =
        r.points().subList(2, 8).stream()
            .mapToDouble(p -> Histograms.parseBound(p.tags().get("le")))
            .toArray();
    double[] counts = r.points().subList(2, 8).stream().mapToDouble(MetricPoint::value).toArray();
    assertThat(Histograms.quantile(0.5, le, counts)).isEqualTo(0.0);
    assertThat(Histograms.quantile(0.9, le, counts))
        .isBetween(Math.pow(2, 41 / 4.0), Math.pow(2, 42 / 4.0));

    MetricCodec countAndSumOnly =
        new MetricCodec(
            new MetricCodec.Settings(
                LIMITS, MetricCodec.Input.AUTO, "acme", "unknown", List.of(), false));
    assertThat(countAndSumOnly.decode(otlp.getBytes(StandardCharsets.UTF_8), KAFKA_TIME).points())
        .containsExactly(
            new MetricPoint("acme", "unknown", "payload.size_count", Map.of(), t, 6, true),
            new MetricPoint("acme", "unknown", "payload.size_sum", Map.of(), t, 3000, true));
  }

  @Test
  void histogramBucketsAreRunningTotalsInEveryFormatUnlessTheSenderSaysOtherwise() {
    String line =
        "prometheus,host=web-1,le=0.5 http_seconds_bucket=12i,http_seconds_count=20i 1700000000";
    assertThat(decode(line).points())
        .extracting(p -> p.metric() + " " + p.cumulative())
        .containsExactly("http_seconds_bucket true", "http_seconds_count false");
    String vigil =
        """
        [{"tenant":"t","source":"s","metric":"rpc_bucket","tags":{"le":"1"},"timestamp":1700000000000,"value":4},
         {"tenant":"t","source":"s","metric":"rpc_bucket","tags":{"le":"2"},"timestamp":1700000000000,"value":6,
          "cumulative":false},
         {"tenant":"t","source":"s","metric":"rpc_bucket","tags":{},"timestamp":1700000000000,"value":6}]
        """;
    List<MetricPoint> ps = decode(vigil).points();
    assertThat(ps).extracting(MetricPoint::cumulative).containsExactly(true, false, false);
    for (MetricPoint p : ps) {
      assertThat(decode(new String(MetricJsonCodec.encode(p), StandardCharsets.UTF_8)).points())
          .as("encoded and decoded again")
          .containsExactly(p);
    }
  }

  @Test
  void otlpHistogramPointsThatCantBeReadAreReportedOneByOne() {
    String otlp =
        """
        {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
          {"name":"h","histogram":{"aggregationTemporality":2,"dataPoints":[
            {"timeUnixNano":"1700000060000000000","count":"3","bucketCounts":["1","2"]},
            {"timeUnixNano":"1700000060000000000","count":"3","bucketCounts":["1","2","0"],
             "explicitBounds":[0.5,0.1]},
            {"timeUnixNano":"1700000060000000000","count":"-3"},
            {"timeUnixNano":"1700000060000000000","count":"3",
             "attributes":[{"key":"le","value":{"stringValue":"1"}}]},
            {"timeUnixNano":"1700000060000000000","count":"3","bucketCounts":["1","2"],
             "explicitBounds":[1]}]}},
          {"name":"d","histogram":{"aggregationTemporality":1,"dataPoints":[
            {"timeUnixNano":"1700000060000000000","count":"3"}]}},
          {"name":"s","summary":{"dataPoints":[
            {"timeUnixNano":"1700000060000000000","count":"3",
             "quantileValues":[{"quantile":1.5,"value":2}]}]}}]}]}]}
        """;
    MetricJsonCodec.Result r = decode(otlp);
    String at = "resourceMetrics[0].scopeMetrics[0].metrics";
    assertThat(r.errors())
        .containsExactly(
            at
                + "[0] metric 'h' dataPoints[0] has 2 'bucketCounts' but no 'explicitBounds'"
                + " (one fewer is needed)",
            at
                + "[0] metric 'h' dataPoints[1] 'explicitBounds' must be finite numbers in"
                + " increasing order, [1] is 0.1",
            at
                + "[0] metric 'h' dataPoints[2] 'count' must be a count (a non-negative integer),"
                + " was \"-3\"",
            at
                + "[0] metric 'h' dataPoints[3] has an attribute 'le', which names its bucket or"
                + " quantile series",
            at
                + "[1] metric 'd' dataPoints[0] is a delta histogram point without a"
                + " 'startTimeUnixNano' before its 'timeUnixNano': its counts can't be made a rate",
            at
                + "[2] metric 's' dataPoints[0] quantileValues[0] needs a 'quantile' in [0, 1] and"
                + " a numeric 'value'");
    assertThat(r.points())
        .as("only the readable point, whole: no half histograms")
        .extracting(MetricPoint::metric)
        .containsExactly("h_count", "h_bucket", "h_bucket");
  }

  /** The start of an ExportMetricsServiceRequest as otlp_proto: field tags and lengths. */
  static final byte[] OTLP_PROTO = {
    0x0a, 0x3c, 0x0a, 0x1a, 0x0a, 0x18, 0x0a, 0x0c, 's', 'e', 'r', 'v', 'i', 'c', 'e', '.', 'n',
    'a', 'm', 'e', 0x12, 0x08, 0x0a, 0x06, 'w', 'e', 'b'
  };

  /**
   * The collector's Kafka exporter writes otlp_proto unless told otherwise: the same request in
   * protobuf gives the same points as in JSON (hand-written here, as the collector writes it).
   */
  @Test
  void otlpProtobufRequestsGiveThePointsOfTheSameRequestInJson() {
    var metrics = io.opentelemetry.proto.metrics.v1.Metric.newBuilder();
    var request =
        io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                io.opentelemetry.proto.metrics.v1.ResourceMetrics.newBuilder()
                    .setResource(OtlpProtos.resource("checkout", "globex"))
                    .addScopeMetrics(
                        io.opentelemetry.proto.metrics.v1.ScopeMetrics.newBuilder()
                            .addMetrics(
                                metrics
                                    .clone()
                                    .setName("queue.depth")
                                    .setGauge(
                                        io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
                                            .addDataPoints(
                                                io.opentelemetry.proto.metrics.v1.NumberDataPoint
                                                    .newBuilder()
                                                    .addAttributes(OtlpProtos.kv("queue", "q1"))
                                                    .setTimeUnixNano(1_700_000_000_000_000_000L)
                                                    .setAsInt(17))
                                            .addDataPoints(
                                                io.opentelemetry.proto.metrics.v1.NumberDataPoint
                                                    .newBuilder()
                                                    .setTimeUnixNano(1_700_000_060_000_000_000L)
                                                    .setAsDouble(0.0))))
                            .addMetrics(
                                metrics
                                    .clone()
                                    .setName("bytes")
                                    .setSum(
                                        io.opentelemetry.proto.metrics.v1.Sum.newBuilder()
                                            .setAggregationTemporality(
                                                io.opentelemetry.proto.metrics.v1
                                                    .AggregationTemporality
                                                    .AGGREGATION_TEMPORALITY_CUMULATIVE)
                                            .setIsMonotonic(true)
                                            .addDataPoints(
                                                io.opentelemetry.proto.metrics.v1.NumberDataPoint
                                                    .newBuilder()
                                                    .setTimeUnixNano(1_700_000_000_000_000_000L)
                                                    .setAsInt(123456))))
                            .addMetrics(
                                metrics
                                    .clone()
                                    .setName("rpc.duration")
                                    .setHistogram(
                                        io.opentelemetry.proto.metrics.v1.Histogram.newBuilder()
                                            .setAggregationTemporality(
                                                io.opentelemetry.proto.metrics.v1
                                                    .AggregationTemporality
                                                    .AGGREGATION_TEMPORALITY_CUMULATIVE)
                                            .addDataPoints(
                                                io.opentelemetry.proto.metrics.v1.HistogramDataPoint
                                                    .newBuilder()
                                                    .setTimeUnixNano(1_700_000_000_000_000_000L)
                                                    .setCount(6)
                                                    .setSum(1.5)
                                                    .addExplicitBounds(0.1)
                                                    .addBucketCounts(4)
                                                    .addBucketCounts(2))))))
            .build();
    String json =
        """
        {"resourceMetrics":[{"resource":{"attributes":[
            {"key":"service.name","value":{"stringValue":"checkout"}},
            {"key":"tenant","value":{"stringValue":"globex"}}]},
          "scopeMetrics":[{"metrics":[
            {"name":"queue.depth","gauge":{"dataPoints":[
              {"attributes":[{"key":"queue","value":{"stringValue":"q1"}}],
               "timeUnixNano":"1700000000000000000","asInt":"17"},
              {"timeUnixNano":"1700000060000000000","asDouble":0}]}},
            {"name":"bytes","sum":{"aggregationTemporality":2,"isMonotonic":true,
              "dataPoints":[{"timeUnixNano":"1700000000000000000","asInt":"123456"}]}},
            {"name":"rpc.duration","histogram":{"aggregationTemporality":2,"dataPoints":[
              {"timeUnixNano":"1700000000000000000","count":"6","sum":1.5,
               "explicitBounds":[0.1],"bucketCounts":["4","2"]}]}}]}]}]}
        """;
    MetricJsonCodec.Result fromJson = decode(json);
    assertThat(fromJson.errors()).isEmpty();
    assertThat(fromJson.points()).hasSize(7); // 2 gauge, 1 sum, count, sum and 2 buckets
    MetricJsonCodec.Result fromProto = codec.decode(request.toByteArray(), KAFKA_TIME);
    assertThat(fromProto.errors()).isEmpty();
    assertThat(fromProto.points()).containsExactlyElementsOf(fromJson.points());
    assertThat(fromJson.format()).isEqualTo(WireFormat.OTLP_JSON);
    assertThat(fromProto.format()).isEqualTo(WireFormat.OTLP_PROTO);
    // forced OTLP input reads both encodings too
    MetricCodec otlpOnly =
        new MetricCodec(
            new MetricCodec.Settings(LIMITS, MetricCodec.Input.OTLP, "acme", "unknown"));
    assertThat(otlpOnly.decode(request.toByteArray(), KAFKA_TIME).points())
        .containsExactlyElementsOf(fromJson.points());
  }

  @Test
  void binaryMessagesAreRefusedWithTheLikelyCause() {
    MetricJsonCodec.Result r = codec.decode(OTLP_PROTO, KAFKA_TIME);
    assertThat(r.points()).isEmpty();
    assertThat(r.errors()).containsExactly(MetricCodec.BINARY);
    assertThat(
            MetricCodec.looksBinary("cpu v=1\t\r\n\u001b[31mred".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
  }

  @Test
  void metricsDeclaredCumulativeAreMarkedInEveryFormat() {
    MetricCodec declared =
        new MetricCodec(
            new MetricCodec.Settings(
                LIMITS,
                MetricCodec.Input.AUTO,
                "acme",
                "unknown",
                List.of("*_total", "net_bytes_*")));
    MetricJsonCodec.Result r =
        declared.decode(
            ("http_requests_total v=1 1700000000\nnet,host=a bytes_recv=5,drop=1 1700000000\n"
                    + "net_bytes_total_x v=2 1700000000")
                .getBytes(StandardCharsets.UTF_8),
            KAFKA_TIME);
    assertThat(r.points())
        .extracting(p -> p.metric() + "=" + p.cumulative())
        .containsExactly(
            "http_requests_total_v=false",
            "net_bytes_recv=true",
            "net_drop=false",
            "net_bytes_total_x_v=true");
    MetricJsonCodec.Result json =
        declared.decode(
            "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"rpc_total\",\"timestamp\":1700000000000,\"value\":3}"
                .getBytes(StandardCharsets.UTF_8),
            KAFKA_TIME);
    assertThat(json.points()).extracting(MetricPoint::cumulative).containsExactly(true);
    assertThat(MetricCodec.glob("a*b*c", "aXbYc")).isTrue();
    assertThat(MetricCodec.glob("a*b*c", "aXcYb")).isFalse();
    assertThat(MetricCodec.glob("*_total", "_total")).isTrue();
    assertThat(MetricCodec.glob("ab*ba", "aba")).isFalse();
    assertThat(MetricCodec.glob("x", "x")).isTrue();
  }

  @Test
  void tenantAllowListAppliesToEveryFormat() {
    MetricCodec allow =
        new MetricCodec(
            new MetricCodec.Settings(
                new MetricJsonCodec.Limits(
                    4096, 946_684_800_000L, 4_102_444_800_000L, Set.of("acme")),
                MetricCodec.Input.AUTO,
                "acme",
                "unknown"));
    MetricJsonCodec.Result r =
        allow.decode(
            "m,tenant=acme v=1 1700000000\nm,tenant=evil v=2 1700000000"
                .getBytes(StandardCharsets.UTF_8),
            KAFKA_TIME);
    assertThat(r.points()).extracting(MetricPoint::tenant).containsExactly("acme");
    assertThat(r.errors()).containsExactly("line 2: unknown tenant 'evil'");
  }

  /** What the jobs record as the data source: the form each message was taken for. */
  @Test
  void eachMessageSaysWhichFormItWasTakenFor() {
    assertThat(decode("cpu,host=web-1 usage=1 1700000060000000000").format())
        .isEqualTo(WireFormat.INFLUX_LINE);
    assertThat(decode("{\"fields\":{\"v\":2},\"name\":\"b\",\"timestamp\":1700000000}").format())
        .isEqualTo(WireFormat.TELEGRAF_JSON);
    assertThat(
            decode(
                    "{\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":\"0.25\","
                        + "\"name\":\"up\",\"labels\":{\"__name__\":\"up\",\"job\":\"node\"}}")
                .format())
        .isEqualTo(WireFormat.PROMETHEUS_JSON);
    assertThat(
            decode("{\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":3}")
                .format())
        .isEqualTo(WireFormat.VIGIL_JSON);
    assertThat(decode("{\"resourceMetrics\":[]}").format()).isEqualTo(WireFormat.OTLP_JSON);
    assertThat(decode("").format()).as("not taken for anything").isNull();
    assertThat(WireFormat.PROMETHEUS_JSON.sender()).isEqualTo("prometheus");
    assertThat(WireFormat.INFLUX_LINE.sender()).isEqualTo("telegraf");
  }

  @Test
  void aForcedInputDecodesOnlyThatFormat() {
    MetricCodec influx =
        new MetricCodec(
            new MetricCodec.Settings(LIMITS, MetricCodec.Input.INFLUX, "acme", "unknown"));
    MetricJsonCodec.Result r =
        influx.decode("{\"fields\":{}}".getBytes(StandardCharsets.UTF_8), KAFKA_TIME);
    assertThat(r.points()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    assertThat(decode("hello world").errors())
        .containsExactly(
            "not JSON, and not InfluxDB line protocol: line 1: field 'world' has no '='");
    assertThat(decode("system,host=a uptime_format=\"3 days\" 1700000000").errors())
        .as("a line of the protocol's shape is line protocol, even without a number in it")
        .containsExactly("line 1: field 'uptime_format' is a string, not a number to score");
    assertThat(decode("").errors()).containsExactly("empty message");
    assertThat(decode(" \n ").errors()).containsExactly("empty message");
    assertThat(decode("x".repeat(5000)).errors().get(0)).startsWith("oversized message");
    assertThat(List.of(decode("{").errors().get(0))).allMatch(s -> s.startsWith("invalid JSON"));
  }
}
