package io.vigil.common.codec.bench;

import io.vigil.common.codec.MetricCodec;
import io.vigil.common.codec.MetricJsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of decoding one metrics message of 10 points under {@code metrics.input: auto}, in each
 * format the metrics topic takes: Vigil JSON (an array of 10), line protocol and Telegraf JSON (one
 * cpu record of 10 fields, as Telegraf writes it), OTLP JSON (one gauge of 10 data points), and an
 * OTLP histogram data point with 8 bounds (its count and 9 bucket series). Divide by 10 for the
 * cost of a point.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MetricDecodeBenchmark {
  private static final String[] FIELDS = {
    "usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait",
    "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"
  };
  private static final long T = 1_700_000_000_000L;

  @Param({"vigil", "influx", "telegraf", "otlp", "otlp-proto", "prometheus", "otlp-histogram"})
  public String format;

  private MetricCodec codec;
  private byte[] message;

  @Setup
  public void setUp() {
    codec = new MetricCodec(MetricCodec.Settings.defaults());
    StringBuilder b = new StringBuilder();
    switch (format) {
      case "vigil" -> {
        b.append('[');
        for (int i = 0; i < FIELDS.length; i++) {
          b.append(i == 0 ? "" : ",")
              .append("{\"tenant\":\"acme\",\"source\":\"web-1\",\"metric\":\"cpu_")
              .append(FIELDS[i])
              .append("\",\"tags\":{\"cpu\":\"cpu-total\"},\"timestamp\":")
              .append(T)
              .append(",\"value\":")
              .append(12.5 + i)
              .append('}');
        }
        b.append(']');
      }
      case "influx" -> {
        b.append("cpu,cpu=cpu-total,host=web-1 ");
        for (int i = 0; i < FIELDS.length; i++) {
          b.append(i == 0 ? "" : ",").append(FIELDS[i]).append('=').append(12.5 + i);
        }
        b.append(' ').append(T * 1_000_000).append('\n');
      }
      case "telegraf" -> {
        b.append("{\"fields\":{");
        for (int i = 0; i < FIELDS.length; i++) {
          b.append(i == 0 ? "" : ",").append('"').append(FIELDS[i]).append("\":").append(12.5 + i);
        }
        b.append("},\"name\":\"cpu\",\"tags\":{\"cpu\":\"cpu-total\",\"host\":\"web-1\"},")
            .append("\"timestamp\":")
            .append(T / 1000)
            .append('}');
      }
      case "otlp", "otlp-proto" -> {
        b.append("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",")
            .append("\"value\":{\"stringValue\":\"web-1\"}}]},\"scopeMetrics\":[{\"metrics\":[")
            .append("{\"name\":\"cpu.usage\",\"gauge\":{\"dataPoints\":[");
        for (int i = 0; i < FIELDS.length; i++) {
          b.append(i == 0 ? "" : ",")
              .append("{\"attributes\":[{\"key\":\"state\",\"value\":{\"stringValue\":\"")
              .append(FIELDS[i])
              .append("\"}}],\"timeUnixNano\":\"")
              .append(T * 1_000_000)
              .append("\",\"asDouble\":")
              .append(12.5 + i)
              .append('}');
        }
        b.append("]}}]}]}]}");
      }
      case "prometheus" -> {
        // the adapter writes one sample a message; ten in an array to compare per 10 points
        b.append('[');
        for (int i = 0; i < FIELDS.length; i++) {
          b.append(i == 0 ? "" : ",")
              .append("{\"timestamp\":\"2023-11-14T22:13:20Z\",\"value\":\"")
              .append(12.5 + i)
              .append("\",\"name\":\"node_cpu_")
              .append(FIELDS[i])
              .append("\",\"labels\":{\"__name__\":\"node_cpu_")
              .append(FIELDS[i])
              .append("\",\"cpu\":\"cpu-total\",\"instance\":\"web-1:9100\",\"job\":\"node\"}}");
        }
        b.append(']');
      }
      case "otlp-histogram" -> {
        b.append("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",")
            .append("\"value\":{\"stringValue\":\"web-1\"}}]},\"scopeMetrics\":[{\"metrics\":[")
            .append("{\"name\":\"http.server.request.duration\",\"histogram\":{")
            .append("\"aggregationTemporality\":2,\"dataPoints\":[{\"attributes\":[{\"key\":")
            .append("\"http.route\",\"value\":{\"stringValue\":\"/pay\"}}],\"timeUnixNano\":\"")
            .append(T * 1_000_000)
            .append("\",\"count\":\"1170\",\"bucketCounts\":[\"500\",\"300\",\"200\",\"100\",")
            .append("\"40\",\"20\",\"5\",\"4\",\"1\"],\"explicitBounds\":[0.005,0.01,0.025,0.05,")
            .append("0.1,0.25,0.5,1]}]}}]}]}]}");
      }
      default -> throw new IllegalArgumentException(format);
    }
    message = b.toString().getBytes(StandardCharsets.UTF_8);
    if (format.equals("otlp-proto")) {
      // the same request as the collector's default otlp_proto encoding writes it
      var request =
          io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.newBuilder();
      try {
        com.google.protobuf.util.JsonFormat.parser().merge(b.toString(), request);
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
      message = request.build().toByteArray();
    }
    MetricJsonCodec.Result r = codec.decode(message, T);
    if (r.points().size() != FIELDS.length || !r.errors().isEmpty()) {
      throw new IllegalStateException(format + " decodes to " + r);
    }
  }

  @Benchmark
  public MetricJsonCodec.Result decode() {
    return codec.decode(message, T);
  }
}
