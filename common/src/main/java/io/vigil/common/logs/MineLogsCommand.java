package io.vigil.common.logs;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vigil mine-logs --format FORMAT --input FILE --out CSV}: runs the streaming template miner
 * over a file in one pass, line by line, and writes {@code LineId,EventId,EventTemplate}.
 *
 * <p>Each line is assigned when it is read, exactly as in the stream. By default ({@code --ids
 * final}) the CSV reports, for each line, the id its template resolves to at the end of the file
 * (following online merges) and that template's final text; {@code --ids arrival} reports the id
 * and template text the line got on arrival, which is what the streaming job emits. Lines that do
 * not fit the format are mined whole.
 */
public final class MineLogsCommand {

  private MineLogsCommand() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String format = null;
    String input = null;
    String output = null;
    String scope = "default";
    boolean finalIds = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length && !a.equals("--help")) {
        err.println("missing value for " + a);
        return 2;
      }
      switch (a) {
        case "--format" -> format = args[++i];
        case "--input" -> input = args[++i];
        case "--out" -> output = args[++i];
        case "--scope" -> scope = args[++i];
        case "--ids" -> {
          String v = args[++i];
          if (!v.equals("final") && !v.equals("arrival")) {
            err.println("--ids must be final or arrival, not " + v);
            return 2;
          }
          finalIds = v.equals("final");
        }
        case "--help" -> {
          out.println(usage());
          return 0;
        }
        default -> {
          err.println("unknown argument " + a + "\n" + usage());
          return 2;
        }
      }
    }
    if (format == null || input == null || output == null) {
      err.println(usage());
      return 2;
    }
    LogFormat logFormat;
    try {
      logFormat = LogFormat.parse(format);
    } catch (IllegalArgumentException e) {
      err.println("bad --format: " + e.getMessage());
      return 2;
    }
    try {
      int lines =
          mine(logFormat, new TemplateMiner(scope), Path.of(input), Path.of(output), finalIds);
      err.println("mine-logs: " + lines + " lines -> " + output);
      return 0;
    } catch (IOException e) {
      err.println("mine-logs: " + e.getMessage());
      return 1;
    }
  }

  private static String usage() {
    return "usage: vigil mine-logs --format FORMAT --input FILE --out CSV"
        + " [--scope TENANT/SERVICE] [--ids final|arrival]";
  }

  /** Mines {@code input} and writes the CSV; returns the number of lines. */
  static int mine(LogFormat format, TemplateMiner miner, Path input, Path output, boolean finalIds)
      throws IOException {
    List<TemplateMatch> matches = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(input), StandardCharsets.UTF_8))) {
      // readLine() ends lines at \n, \r or \r\n, so CRLF files need nothing special.
      String line;
      while ((line = r.readLine()) != null) {
        String content = format.content(line).orElse(line.strip());
        matches.add(miner.add(content));
      }
    }
    try (Writer w =
        new BufferedWriter(
            new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8))) {
      writeCsv(w, miner, matches, finalIds);
    }
    return matches.size();
  }

  static void writeCsv(Writer w, TemplateMiner miner, List<TemplateMatch> matches, boolean finalIds)
      throws IOException {
    w.write("LineId,EventId,EventTemplate\n");
    for (int i = 0; i < matches.size(); i++) {
      TemplateMatch m = matches.get(i);
      long id = finalIds ? miner.resolve(m.templateId()) : m.templateId();
      String text = finalIds ? miner.templateText(id) : m.template();
      w.write(Integer.toString(i + 1));
      w.write(',');
      w.write(TemplateIds.toHex(id));
      w.write(',');
      w.write(csvField(text == null ? m.template() : text));
      w.write('\n');
    }
  }

  /** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
  static String csvField(String s) {
    boolean quote = false;
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
