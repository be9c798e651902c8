package io.vigil.common.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCommandTest {
  @TempDir Path dir;

  @Test
  void writesOneRowPerInputRowWithVerbatimTimestampsAndScoresLabels() throws Exception {
    Path data = dir.resolve("data/cat");
    Files.createDirectories(data);
    List<String> lines = new ArrayList<>(List.of("timestamp,value"));
    for (int i = 0; i < 2000; i++) {
      double v = 10 + Math.sin(i * 0.7) + (i == 1500 ? 40 : 0);
      lines.add(
          String.format("2014-04-%02d %02d:%02d:00,%s", 1 + i / 1440, i / 60 % 24, i % 60, v));
    }
    lines.add(1000, "2014-04-01 16:39:30,not-a-number");
    Files.write(data.resolve("s.csv"), lines);
    Path labels = dir.resolve("labels.json");
    Files.writeString(
        labels, "{\"cat/s.csv\": [[\"2014-04-02 00:50:00.000000\", \"2014-04-02 01:30:00\"]]}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        BacktestCommand.run(
            new String[] {
              "backtest",
              "--data",
              dir.resolve("data").toString(),
              "--out",
              dir.resolve("out").toString(),
              "--labels",
              labels.toString()
            },
            new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    List<String> result = Files.readAllLines(dir.resolve("out/cat/vigil_s.csv"));
    assertThat(result).hasSize(lines.size());
    assertThat(result.get(0)).isEqualTo("timestamp,value,anomaly_score");
    for (int i = 1; i < lines.size(); i++) {
      assertThat(result.get(i)).startsWith(lines.get(i) + ",");
    }
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(report).contains("standard").contains("recall 1.000");
    // the one window's first detection, by the component that made it
    assertThat(report).containsPattern("(?m)^  [a-z-]+ +FP +\\d+  first   1  later +\\d+$");
    // the same figures, for ml_models.metrics
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("out/vigil_summary.json").toFile());
    assertThat(summary.get("algorithm").asText()).isEqualTo("vigil-ensemble");
    assertThat(report).contains("version " + summary.get("version").asText());
    assertThat(summary.get("dataset").asText()).isEqualTo("data");
    assertThat(summary.get("files").asInt()).isEqualTo(1);
    assertThat(summary.get("windows").asInt()).isEqualTo(1);
    assertThat(summary.at("/hyperparameters/levelAlpha").asDouble()).isPositive();
    JsonNode standard = summary.at("/nab/standard");
    assertThat(standard.get("recall").asDouble()).isEqualTo(1.0);
    assertThat(standard.get("windows_found").asInt()).isEqualTo(1);
    assertThat(report)
        .contains(String.format(java.util.Locale.ROOT, "%8.4f", standard.get("score").asDouble()));
    assertThat(summary.at("/nab").size()).isEqualTo(3);
  }

  @Test
  void rejectsNamesWithUnderscoreAndUnknownOptions() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(
            () ->
                BacktestCommand.run(
                    new String[] {"--data", "d", "--out", "o", "--name", "a_b"}, sink))
        .hasMessageContaining("_");
    assertThatThrownBy(() -> BacktestCommand.run(new String[] {"--bogus", "x"}, sink))
        .hasMessageContaining("--bogus");
  }
}
