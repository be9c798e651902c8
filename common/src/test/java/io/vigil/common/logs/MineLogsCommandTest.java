package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MineLogsCommandTest {

  @TempDir Path dir;

  @Test
  void writesOneQuotedCsvRowPerLineOfACrlfFile() throws IOException {
    Path in = dir.resolve("app.log");
    Files.writeString(
        in,
        "[Sun Dec 04 04:47:44 2005] [notice] size 5, free \"7\"\r\n"
            + "[Sun Dec 04 04:47:45 2005] [notice] size 6, free \"9\"\r\n"
            + "[Sun Dec 04 04:47:46 2005] [error] mod_jk child in error state 6\r\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("out.csv");

    int code =
        run(
            "--format",
            "\\[<Time>\\] \\[<Level>\\] <Content>",
            "--input",
            in.toString(),
            "--out",
            out.toString());

    assertThat(code).isZero();
    List<String> rows = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0)).isEqualTo("LineId,EventId,EventTemplate");
    assertThat(rows.get(1)).matches("1,[0-9a-f]{16},\"size <\\*>, free \"\"<\\*>\"\"\"");
    assertThat(rows.get(2).split(",")[1]).isEqualTo(rows.get(1).split(",")[1]);
    assertThat(rows.get(3)).matches("3,[0-9a-f]{16},mod_jk child in error state <\\*>");
    assertThat(rows.get(3).split(",")[1]).isNotEqualTo(rows.get(1).split(",")[1]);
  }

  @Test
  void finalIdsFollowLaterMergesWhileArrivalIdsDoNot() throws IOException {
    Path in = dir.resolve("ssh.log");
    StringBuilder sb = new StringBuilder();
    for (String u : List.of("root", "admin", "oracle", "test")) {
      sb.append("sshd: Failed password for ").append(u).append(" from 1.2.3.4 port 22\n");
    }
    Files.writeString(in, sb.toString(), StandardCharsets.UTF_8);
    Path fin = dir.resolve("final.csv");
    Path arr = dir.resolve("arrival.csv");

    run("--format", "<Component>: <Content>", "--input", in.toString(), "--out", fin.toString());
    run(
        "--format",
        "<Component>: <Content>",
        "--input",
        in.toString(),
        "--out",
        arr.toString(),
        "--ids",
        "arrival");

    assertThat(ids(fin)).containsOnly(ids(fin).get(0));
    assertThat(ids(arr).subList(0, 3)).doesNotHaveDuplicates();
    assertThat(ids(arr).get(3)).isEqualTo(ids(arr).get(0));
  }

  @Test
  void badArgumentsGiveUsageAndAnExitCode() {
    assertThat(run("--format", "<Date>", "--input", "x", "--out", "y")).isEqualTo(2);
    assertThat(run("--input")).isEqualTo(2);
    assertThat(run("--bogus", "1")).isEqualTo(2);
  }

  @Test
  void csvFieldsAreQuotedOnlyWhenNeeded() {
    assertThat(MineLogsCommand.csvField("plain <*>")).isEqualTo("plain <*>");
    assertThat(MineLogsCommand.csvField("a, b")).isEqualTo("\"a, b\"");
    assertThat(MineLogsCommand.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
  }

  private static List<String> ids(Path csv) throws IOException {
    return Files.readAllLines(csv).stream().skip(1).map(r -> r.split(",")[1]).toList();
  }

  private static int run(String... args) {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return MineLogsCommand.run(args, sink, sink);
  }
}
