package io.vigil.common.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RuleMatcherIndexTest {
  private static final String[] METRICS = {"cpu", "mem", "disk", "cpu_steal", "net"};
  private static final String[] MATCHERS = {"cpu", "mem", "disk", "cpu*", "*", null, "nope"};
  private static final String[] TENANTS = {"acme", "globex", "*", null};
  private static final String[] KINDS = {
    "{\"kind\":\"threshold\",\"op\":\"gt\",\"value\":50}",
    "{\"kind\":\"flapping\",\"op\":\"gt\",\"value\":1,\"toggles\":4,\"window\":\"10m\"}",
    "{\"kind\":\"absence\",\"window\":\"2m\",\"per\":\"source\"}",
    "{\"kind\":\"anomaly\",\"min_severity\":\"medium\"}",
    "{\"kind\":\"sequence\",\"first\":{\"metric\":\"cpu\"},\"then\":{\"metric\":\"mem\"},"
        + "\"window\":\"10m\"}"
  };

  @Test
  void theIndexFindsExactlyWhatTheLinearScanFindsInTheSameOrder() {
    Random r = new Random(7);
    int events = 0;
    for (int round = 0; round < 20; round++) {
      List<AlertRule> rules = RuleCodec.listFromJson(rulesJson(r, 1 + r.nextInt(60)));
      RuleMatcher.Index index = new RuleMatcher.Index(rules);
      for (int i = 0; i < 200; i++) {
        String tenant = r.nextBoolean() ? "acme" : "globex";
        String source = "web-" + r.nextInt(3);
        String metric = METRICS[r.nextInt(METRICS.length)];
        Map<String, String> tags = r.nextBoolean() ? Map.of("env", "prod") : Map.of();
        MetricPoint p = new MetricPoint(tenant, source, metric, tags, 1_000L * i, r.nextInt(100));
        List<RuleEvent> linear = RuleMatcher.forPoint(rules, p);
        assertThat(RuleMatcher.forPoint(index, p)).isEqualTo(linear);
        events += linear.size();
        Anomaly a =
            new Anomaly(
                "a" + i,
                tenant,
                source,
                metric,
                tags,
                source + "/" + metric,
                1_000L * i,
                1.0,
                0.9,
                Severity.values()[r.nextInt(Severity.values().length)],
                "ensemble",
                "6",
                "{}");
        assertThat(RuleMatcher.forAnomaly(index, a)).isEqualTo(RuleMatcher.forAnomaly(rules, a));
      }
    }
    assertThat(events).as("points that some rule selected").isGreaterThan(1_000);
  }

  private static String rulesJson(Random r, int n) {
    List<String> rules = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String metric = MATCHERS[r.nextInt(MATCHERS.length)];
      String tenant = TENANTS[r.nextInt(TENANTS.length)];
      StringBuilder scope = new StringBuilder("{");
      if (metric != null) {
        scope.append("\"metric\":\"").append(metric).append('"');
      }
      if (r.nextInt(4) == 0) {
        scope.append(metric != null ? "," : "").append("\"source\":\"web-1\"");
      }
      scope.append('}');
      rules.add(
          "{\"id\":\"r"
              + i
              + "\",\"name\":\"rule "
              + i
              + "\""
              + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"")
              + ",\"scope\":"
              + scope
              + ",\"condition\":"
              + KINDS[r.nextInt(KINDS.length)]
              + (r.nextBoolean() ? ",\"for\":\"1m\"" : "")
              + "}");
    }
    return "[" + String.join(",", rules) + "]";
  }
}
