package io.vigil.jobs.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.jobs.testing.LocalServices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Vigil's health rules for Prometheus ({@code docker/prometheus}), read for the tests. */
public final class PrometheusRules {
  private static final Pattern NAME = Pattern.compile("\\bflink_[A-Za-z0-9_]+");
  private static final Pattern NAME_REGEX =
      Pattern.compile("__name__=~\"(flink_[A-Za-z0-9_]*)\\(([A-Za-z0-9_|]+)\\)\"");

  private PrometheusRules() {}

  public static Path rules() {
    return LocalServices.repositoryRoot().resolve("docker/prometheus/vigil-health.rules.yml");
  }

  public static Path tests() {
    return LocalServices.repositoryRoot().resolve("docker/prometheus/vigil-health.test.yml");
  }

  /** The alerting rules of the file, as its YAML tree says. */
  public static List<JsonNode> alerts() throws IOException {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(rules().toFile());
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode group : doc.path("groups")) {
      group.path("rules").forEach(out::add);
    }
    return out;
  }

  /**
   * Every metric name the rules' expressions read: plain names, and the alternatives of a {@code
   * __name__=~"prefix(a|b)"} selector spelled out.
   */
  public static Set<String> metricNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (JsonNode rule : alerts()) {
      String expr = rule.path("expr").asText();
      Matcher m = NAME_REGEX.matcher(expr);
      while (m.find()) {
        for (String alt : m.group(2).split("\\|")) {
          names.add(m.group(1) + alt);
        }
      }
      Matcher n = NAME.matcher(NAME_REGEX.matcher(expr).replaceAll(""));
      while (n.find()) {
        names.add(n.group());
      }
    }
    return names;
  }
}
