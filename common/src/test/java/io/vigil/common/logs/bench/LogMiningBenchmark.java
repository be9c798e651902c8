package io.vigil.common.logs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.logs.LogFormat;
import io.vigil.common.logs.TemplateMiner;
import io.vigil.common.logs.TokenMasker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of template mining on the Loghub 2k files, one thread: an operation is one line, so
 * the score is lines per second. {@code fresh} starts from an empty miner every pass of the file
 * (template creation and merges included, the worst case); {@code warm} mines the same file again
 * with the templates learned (the steady state of a long-running stream); {@code withHeader} adds
 * the header regex the CLI applies first.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx512m"})
public class LogMiningBenchmark {

  /** Lines per file; every Loghub 2k file has exactly this many. */
  static final int LINES = 2000;

  @Param({"HDFS", "Hadoop", "Spark", "Zookeeper", "BGL", "Apache", "OpenSSH", "HealthApp"})
  public String dataset;

  @Param({"/work/shared/bench/loghub"})
  public String loghub;

  private String[] raw;
  private String[] contents;
  private LogFormat format;
  private TemplateMiner warm;

  @Setup(Level.Trial)
  public void load() throws IOException {
    Path root = Path.of(loghub);
    JsonNode formats = new ObjectMapper().readTree(root.resolve("formats.json").toFile());
    format = LogFormat.parse(formats.get(dataset).get("log_format").asText());
    List<String> lines =
        Files.readAllLines(
            root.resolve(dataset).resolve(dataset + "_2k.log"), StandardCharsets.UTF_8);
    if (lines.size() != LINES) {
      throw new IllegalStateException(dataset + " has " + lines.size() + " lines, not " + LINES);
    }
    raw = lines.toArray(new String[0]);
    contents = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      contents[i] = format.content(raw[i]).orElse(raw[i]);
    }
    warm = new TemplateMiner("bench/" + dataset);
    for (String c : contents) {
      warm.add(c);
    }
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void fresh(Blackhole bh) {
    TemplateMiner m = new TemplateMiner("bench/" + dataset);
    for (String c : contents) {
      bh.consume(m.add(c));
    }
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void warm(Blackhole bh) {
    for (String c : contents) {
      bh.consume(warm.add(c));
    }
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void withHeader(Blackhole bh) {
    TemplateMiner m = new TemplateMiner("bench/" + dataset);
    for (String line : raw) {
      bh.consume(m.add(format.content(line).orElse(line)));
    }
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void maskOnly(Blackhole bh) {
    for (String c : contents) {
      bh.consume(TokenMasker.mask(c));
    }
  }
}
