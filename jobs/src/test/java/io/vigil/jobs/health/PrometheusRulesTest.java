package io.vigil.jobs.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Vigil's health rules are valid Prometheus rules and behave as their promtool unit tests say: a
 * healthy metrics and log job raise nothing, and each failure raises exactly its alert with its
 * rendered annotations. promtool comes from Debian's prometheus package ({@code docker/services.sh
 * tools}, which {@code vigil test} runs).
 */
class PrometheusRulesTest {

  @Test
  void theRulesAreValidAndPassTheirUnitTests() throws Exception {
    String check = promtool("check", "rules", PrometheusRules.rules());
    assertThat(check).contains("SUCCESS: " + PrometheusRules.alerts().size() + " rules found");
    String test = promtool("test", "rules", PrometheusRules.tests());
    assertThat(test).contains("SUCCESS");
  }

  /** Every alert is tested both ways: silent on a healthy job, raised by its own failure. */
  @Test
  void everyAlertIsTestedSilentAndFiring() throws IOException {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(PrometheusRules.tests().toFile());
    Set<String> silent = new HashSet<>();
    Set<String> firing = new HashSet<>();
    for (JsonNode test : doc.path("tests")) {
      for (JsonNode t : test.path("alert_rule_test")) {
        (t.path("exp_alerts").isEmpty() ? silent : firing).add(t.path("alertname").asText());
      }
    }
    List<String> alerts = new ArrayList<>();
    for (JsonNode rule : PrometheusRules.alerts()) {
      alerts.add(rule.path("alert").asText());
      assertThat(rule.path("labels").path("severity").asText())
          .as(rule.path("alert").asText())
          .isIn("warning", "critical");
    }
    assertThat(alerts).hasSize(10);
    assertThat(silent).containsExactlyInAnyOrderElementsOf(alerts);
    assertThat(firing).containsExactlyInAnyOrderElementsOf(alerts);
  }

  @Test
  void theMetricNamesTheRulesReadAreSpelledOut() throws IOException {
    assertThat(PrometheusRules.metricNames())
        .contains(
            "flink_jobmanager_job_numRestarts",
            "flink_taskmanager_job_task_operator_vigil_pointsParsed",
            "flink_taskmanager_job_task_operator_vigil_logsParsed",
            "flink_taskmanager_job_task_operator_vigil_lateLogs",
            "flink_taskmanager_job_task_operator_pendingRecords")
        .noneMatch(n -> n.endsWith("_") || n.contains("("));
  }

  /**
   * Runs {@code promtool a b FILE} in the file's directory (the tests name the rules relatively).
   */
  private static String promtool(String a, String b, Path file) throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("promtool", a, b, file.getFileName().toString())
              .directory(file.getParent().toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is not installed: `bash docker/services.sh tools` installs it (Debian's"
              + " prometheus package); `./vigil test` does so itself",
          e);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
    assertThat(p.exitValue()).as("promtool %s %s %s:%n%s", a, b, file, output).isZero();
    return output;
  }
}
