package io.vigil.common.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.Detectors;
import io.vigil.common.detect.Score;
import io.vigil.common.detect.SeriesDetector;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code vigil backtest}: runs a detector over labelled or unlabelled history exactly as the stream
 * would (one row at a time, in file order, one fresh detector per file) and writes NAB-format
 * result files; with {@code --labels} it also prints NAB scores, precision, recall and F1.
 */
public final class BacktestCommand {

  static final String USAGE =
      String.join(
          "\n",
          "usage: vigil backtest --data DIR --out DIR [--name NAME] [--detector ALGORITHM]",
          "                      [--config FILE] [--labels FILE] [--dataset NAME]",
          "  --data DIR       reads DIR/<category>/<file>.csv with columns timestamp,value",
          "  --out DIR        writes OUT/<category>/<NAME>_<file>.csv: timestamp,value,anomaly_score",
          "  --name NAME      detector name in result file names (default vigil; no '_')",
          "  --detector ALG   " + String.join(" | ", Detectors.ALGORITHMS) + " (default ensemble)",
          "  --config FILE    flat properties or YAML (key: value) overriding hyperparameters",
          "  --labels FILE    NAB combined_windows.json: print NAB scores, precision, recall, F1,",
          "                   and write them to OUT/<NAME>_summary.json (vigil models record)",
          "  --dataset NAME   the data set's name in that summary (default: DIR's name)");

  private static final ObjectMapper JSON = new ObjectMapper();

  private BacktestCommand() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args, System.out));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    } catch (IOException e) {
      System.err.println("error: " + e);
      System.exit(1);
    }
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws IOException {
    Map<String, String> opts = parseArgs(args);
    if (opts.containsKey("help")) {
      out.println(USAGE);
      return 0;
    }
    Path data = Path.of(require(opts, "data"));
    Path outDir = Path.of(require(opts, "out"));
    String name = opts.getOrDefault("name", "vigil");
    if (name.isEmpty() || name.contains("_") || name.contains("/")) {
      throw new IllegalArgumentException("--name must be non-empty without '_' or '/': " + name);
    }
    Map<String, String> overrides =
        opts.containsKey("config") ? readConfig(Path.of(opts.get("config"))) : Map.of();
    DetectorFactory factory =
        Detectors.factory(opts.getOrDefault("detector", "ensemble"), overrides);
    LabelWindows labels =
        opts.containsKey("labels") ? LabelWindows.read(new File(opts.get("labels"))) : null;
    if (!Files.isDirectory(data)) {
      throw new IllegalArgumentException("--data is not a directory: " + data);
    }
    out.printf("detector %s version %s%n", factory.algorithm(), factory.version());
    List<NabScorer.FileResult> scored = new ArrayList<>();
    List<String[]> components = new ArrayList<>();
    int files = 0;
    for (Path category : sortedChildren(data, Files::isDirectory)) {
      for (Path csv : sortedChildren(category, p -> p.toString().endsWith(".csv"))) {
        String rel = category.getFileName() + "/" + csv.getFileName();
        Path target = outDir.resolve(category.getFileName().toString());
        Files.createDirectories(target);
        SeriesFile series =
            runFile(csv, target.resolve(name + "_" + csv.getFileName()), factory.create());
        files++;
        if (series.badRows() > 0) {
          System.err.printf("%s: %d unreadable rows scored 0%n", rel, series.badRows());
        }
        if (labels != null && labels.covers(rel)) {
          scored.add(
              new NabScorer.FileResult(
                  rel, series.scores(), labels.rowWindows(rel, series.timestamps())));
          components.add(series.components());
        }
      }
    }
    out.printf("scored %d files into %s%n", files, outDir);
    if (labels != null) {
      out.printf("NAB scores over %d labelled files (reference: nab_score.py):%n", scored.size());
      List<NabScorer.Result> results = NabScorer.score(scored, labels.totalWindows());
      for (NabScorer.Result r : results) {
        out.println(r);
      }
      NabScorer.Result standard = results.get(0);
      out.printf(
          "per file, %s profile at threshold %.6g (window score: earliest detection's weight,"
              + " -%.0f per missed window):%n",
          standard.profile().name(), standard.threshold(), standard.profile().fn());
      for (NabScorer.FileBreakdown b :
          NabScorer.breakdown(scored, standard.profile(), standard.threshold())) {
        out.println(b);
      }
      out.printf(
          "detections by component at that threshold (FP: outside windows; first: a window's"
              + " first detection; later: more in the same window; probation not counted):%n");
      NabScorer.byComponent(scored, components, standard.profile(), standard.threshold())
          .forEach(
              (component, n) ->
                  out.printf(
                      Locale.ROOT,
                      "  %-12s FP %4d  first %3d  later %3d%n",
                      component,
                      n[0],
                      n[1],
                      n[2]));
      Path summary = outDir.resolve(name + "_summary.json");
      Files.writeString(
          summary,
          JSON.writerWithDefaultPrettyPrinter()
                  .writeValueAsString(
                      summary(
                          factory,
                          opts.getOrDefault("dataset", datasetName(data)),
                          files,
                          scored.size(),
                          labels.totalWindows(),
                          results))
              + "\n");
      out.printf(
          "summary written to %s (record it with: vigil models record %s)%n", summary, summary);
    }
    return 0;
  }

  /**
   * What a labelled run measured, for {@code ml_models.metrics}: the detector (algorithm, version,
   * hyperparameters), the data set ({@code --dataset}, else the data directory's name), and per NAB
   * profile the score, threshold, precision, recall, F1 and event counts.
   */
  static ObjectNode summary(
      DetectorFactory factory,
      String dataset,
      int files,
      int labelledFiles,
      int windows,
      List<NabScorer.Result> results) {
    ObjectNode n = JSON.createObjectNode();
    n.put("algorithm", factory.algorithm());
    n.put("version", factory.version());
    n.set("hyperparameters", JSON.valueToTree(factory.hyperparameters()));
    n.put("dataset", dataset);
    n.put("files", files);
    n.put("labelled_files", labelledFiles);
    n.put("windows", windows);
    n.put("evaluated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    ObjectNode profiles = n.putObject("nab");
    for (NabScorer.Result r : results) {
      ObjectNode p = profiles.putObject(r.profile().name());
      p.put("score", round(r.normalized()));
      p.put("raw", round(r.raw()));
      p.put("threshold", r.threshold());
      p.put("precision", round(r.precision()));
      p.put("recall", round(r.recall()));
      p.put("f1", round(r.f1()));
      p.put("windows_found", r.windowsFound());
      p.put("windows", r.windows());
      p.put("false_positives", r.falsePositives());
    }
    return n;
  }

  private static String datasetName(Path data) {
    Path name = data.toAbsolutePath().normalize().getFileName();
    return name == null ? data.toString() : name.toString();
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  /**
   * What one file produced: its timestamps, scores, the component behind each score ("" for a row
   * it could not read) and the number of rows it could not read.
   */
  record SeriesFile(List<String> timestamps, double[] scores, String[] components, int badRows) {}

  static SeriesFile runFile(Path in, Path out, SeriesDetector detector) throws IOException {
    List<String> timestamps = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    List<String> components = new ArrayList<>();
    int bad = 0;
    try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
        BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (header == null || !header.trim().toLowerCase().startsWith("timestamp")) {
        throw new IOException(in + ": expected a header starting with 'timestamp'");
      }
      w.write("timestamp,value,anomaly_score\n");
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        int comma = line.indexOf(',');
        String ts = comma < 0 ? line : line.substring(0, comma);
        String value = comma < 0 ? "" : line.substring(comma + 1).trim();
        double score = 0.0;
        String component = "";
        try {
          long millis = Timestamps.parseMillis(ts);
          double v = Double.parseDouble(value);
          if (Double.isFinite(v)) {
            Score scored = detector.update(millis, v);
            score = scored.score();
            component = scored.component();
          } else {
            bad++;
          }
        } catch (RuntimeException e) {
          bad++;
        }
        timestamps.add(ts);
        scores.add(score);
        components.add(component);
        w.write(ts);
        w.write(',');
        w.write(value);
        w.write(',');
        w.write(Double.toString(score));
        w.write('\n');
      }
    }
    return new SeriesFile(
        timestamps,
        scores.stream().mapToDouble(Double::doubleValue).toArray(),
        components.toArray(String[]::new),
        bad);
  }

  /** Flat {@code key=value} properties or {@code key: value} YAML; '#' starts a comment. */
  static Map<String, String> readConfig(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : props.stringPropertyNames()) {
      m.put(k.trim(), props.getProperty(k).trim());
    }
    return m;
  }

  static Map<String, String> parseArgs(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    int i = 0;
    if (i < args.length && args[i].equals("backtest")) {
      i++;
    }
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        m.put("help", "");
        continue;
      }
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option VALUE, got '" + a + "'");
      }
      String key = a.substring(2);
      if (!List.of("data", "out", "name", "config", "labels", "detector", "dataset")
          .contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
      m.put(key, args[++i]);
    }
    return m;
  }

  private static String require(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  private static List<Path> sortedChildren(Path dir, java.util.function.Predicate<Path> keep)
      throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(keep).sorted().toList();
    }
  }
}
