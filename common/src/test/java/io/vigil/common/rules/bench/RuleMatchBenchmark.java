package io.vigil.common.rules.bench;

import io.vigil.common.model.MetricPoint;
import io.vigil.common.rules.AlertRule;
import io.vigil.common.rules.RuleCodec;
import io.vigil.common.rules.RuleEvent;
import io.vigil.common.rules.RuleMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Cost of matching one metric point against the alert rules, by the metric index ({@code indexed})
 * and by a scan of every rule ({@code linear}): {@code rules} threshold rules over as many metrics
 * (one rule per metric) plus two wildcard rules, points spread over those metrics.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RuleMatchBenchmark {
  @Param({"10", "100", "1000"})
  public int rules;

  @Param({"indexed", "linear"})
  public String mode;

  private List<AlertRule> all;
  private RuleMatcher.Index index;
  private MetricPoint[] points;
  private int i;

  @Setup
  public void setUp() {
    List<String> json = new ArrayList<>();
    for (int k = 0; k < rules; k++) {
      json.add(
          "{\"id\":\"r"
              + k
              + "\",\"tenant\":\"acme\",\"scope\":{\"metric\":\"m"
              + k
              + "\"},\"condition\":{\"kind\":\"threshold\",\"op\":\"gt\",\"value\":90}}");
    }
    json.add(
        "{\"id\":\"any\",\"scope\":{\"metric\":\"m1*\"},"
            + "\"condition\":{\"kind\":\"threshold\",\"op\":\"gt\",\"value\":99}}");
    json.add(
        "{\"id\":\"dead\",\"scope\":{},\"condition\":{\"kind\":\"absence\",\"window\":\"5m\"}}");
    all = RuleCodec.listFromJson("[" + String.join(",", json) + "]");
    index = new RuleMatcher.Index(all);
    points = new MetricPoint[1024];
    for (int k = 0; k < points.length; k++) {
      points[k] = new MetricPoint("acme", "web-1", "m" + (k % rules), Map.of(), k, k % 100);
    }
  }

  @Benchmark
  public List<RuleEvent> match() {
    MetricPoint p = points[i++ & 1023];
    return mode.equals("indexed") ? RuleMatcher.forPoint(index, p) : RuleMatcher.forPoint(all, p);
  }
}
