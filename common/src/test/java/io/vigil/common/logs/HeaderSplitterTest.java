package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hand-written header splitter gives exactly what the regex gives. */
class HeaderSplitterTest {
  private static final Path LOGHUB =
      Path.of(System.getProperty("vigil.loghub", "/work/shared/bench/loghub"));

  @Test
  void agreesWithTheRegexOnEveryLineOfTheEightLoghubFiles() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(LOGHUB), "Loghub files not found at " + LOGHUB);
    JsonNode formats = new ObjectMapper().readTree(LOGHUB.resolve("formats.json").toFile());
    int datasets = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = formats.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      LogFormat f = LogFormat.parse(e.getValue().get("log_format").asText());
      assertThat(f.isFast()).as(e.getKey() + " uses the fast splitter").isTrue();
      List<String> lines =
          Files.readAllLines(
              LOGHUB.resolve(e.getKey()).resolve(e.getKey() + "_2k.log"), StandardCharsets.UTF_8);
      int fitted = 0;
      int n = 0;
      for (String line : lines) {
        assertThat(f.split(line)).as(e.getKey() + ": " + line).isEqualTo(f.splitByRegex(line));
        assertThat(f.content(line)).isEqualTo(f.contentByRegex(line));
        fitted += f.split(line).isPresent() ? 1 : 0;
        // damaged variants take other paths through the search (a sample: the regex is slow on
        // them)
        for (String v : n++ % 50 == 0 ? variants(line) : List.<String>of()) {
          assertThat(f.split(v)).as(e.getKey() + " variant: " + v).isEqualTo(f.splitByRegex(v));
        }
      }
      assertThat(fitted).as(e.getKey() + " lines that fit").isGreaterThan(lines.size() / 2);
      datasets++;
    }
    assertThat(datasets).isEqualTo(8);
  }

  private static List<String> variants(String line) {
    int mid = line.length() / 2;
    return List.of(
        line.substring(0, mid),
        line.replace(' ', '\t'),
        line.replaceFirst(" ", "   "),
        line.replace(":", ""),
        line.substring(0, mid) + "\n" + line.substring(mid),
        line.replace("[", ""));
  }

  @ParameterizedTest(name = "{0} on [{1}]")
  @CsvSource(
      delimiter = '#',
      textBlock =
          """
          <A> <B>: <Content>              # x y: z: w
          <A> <B>: <Content>              # x  y  :  z
          <A> <B>: <Content>              # x y:z
          <A>  \\[<B>\\] <Content>        # a [b] [c] d
          <A>\\|<B>\\|<Content>           # 1|2|3|4
          <A><B> <Content>                # ab c d
          \\[<Time>\\] \\[<Level>\\] <Content> # [Sun Dec 04] [error] mod_jk child
          <Content>                       # just text
          <A> - <Content>                 # a - - b
          <A> - <Content>                 # a -b
          """)
  void agreesWithTheRegexOnEdgeCases(String format, String line) {
    LogFormat f = LogFormat.parse(format.strip());
    assertThat(f.isFast()).isTrue();
    assertThat(f.split(line)).isEqualTo(f.splitByRegex(line));
  }

  @Test
  void formatsWithOtherRegexSyntaxKeepTheRegex() {
    LogFormat f = LogFormat.parse("<A>.<B> <Content>");
    assertThat(f.isFast()).isFalse();
    assertThat(f.split("a.b c")).isEqualTo(f.splitByRegex("a.b c"));
    assertThat(LogFormat.parse("<A>\\s<Content>").isFast()).isFalse();
  }
}
