package io.vigil.common.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Java port of the reference scorer {@code nab_score.py} (NAB v1.1 rules): probation of 15% of
 * each file (at most 750 rows), scaled-sigmoid weights inside and after windows, one corpus-wide
 * threshold per profile optimized by an exact sweep, normalized so the null detector scores 0 and a
 * perfect one 100. The Python script stays the reference; this port lets a user preview a
 * configuration without leaving Java, and also reports precision, recall and F1 at each profile's
 * chosen threshold.
 */
public final class NabScorer {

  /** A NAB cost profile. */
  public record Profile(String name, double tp, double fp, double fn) {}

  /** The three NAB profiles of {@code config/profiles.json}. */
  public static final List<Profile> PROFILES =
      List.of(
          new Profile("standard", 1.0, 0.11, 1.0),
          new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0),
          new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0));

  private static final double PROBATION_PERCENT = 0.15;

  /** One scored file: its anomaly scores and labelled windows as inclusive row ranges. */
  public record FileResult(String name, double[] scores, List<int[]> windows) {}

  /**
   * One profile's result: normalized score, raw score and threshold, plus event counts at that
   * threshold (detections past probation; a window is found when any of its rows is detected).
   */
  public record Result(
      Profile profile,
      double normalized,
      double raw,
      double threshold,
      int windowsFound,
      int windows,
      int falsePositives) {

    /** Found windows over found windows plus detections outside every window. */
    public double precision() {
      int d = windowsFound + falsePositives;
      return d == 0 ? 0.0 : windowsFound / (double) d;
    }

    /** Found windows over windows past probation. */
    public double recall() {
      return windows == 0 ? 0.0 : windowsFound / (double) windows;
    }

    public double f1() {
      double p = precision();
      double r = recall();
      return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-19s %8.4f   (raw %.4f, threshold %.6g)  precision %.3f recall %.3f F1 %.3f"
              + "  [%d/%d windows, %d false positives]",
          profile.name(),
          normalized,
          raw,
          threshold,
          precision(),
          recall(),
          f1(),
          windowsFound,
          windows,
          falsePositives);
    }
  }

  private NabScorer() {}

  static double scaledSigmoid(double pos) {
    return pos > 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * pos)) - 1.0;
  }

  /**
   * Scores all files under each profile; {@code totalWindows} normalizes (all labelled windows).
   */
  public static List<Result> score(List<FileResult> files, int totalWindows) {
    List<Result> out = new ArrayList<>();
    for (Profile prof : PROFILES) {
      out.add(score(files, totalWindows, prof));
    }
    return out;
  }

  static Result score(List<FileResult> files, int totalWindows, Profile prof) {
    int total = 0;
    for (FileResult f : files) {
      total += f.scores().length;
    }
    double[] a = new double[total];
    double[] w = new double[total];
    int[] g = new int[total];
    int m = 0;
    int windowBase = 0;
    for (FileResult f : files) {
      int n = f.scores().length;
      double[] fw = new double[n];
      int[] fg = new int[n];
      weights(n, f.windows(), prof, fw, fg);
      for (int i = 0; i < n; i++) {
        if (fg[i] == -2) {
          continue;
        }
        a[m] = f.scores()[i];
        w[m] = fw[i];
        g[m] = fg[i] >= 0 ? fg[i] + windowBase : fg[i];
        m++;
      }
      windowBase += f.windows().size();
    }
    double[] best = new double[windowBase];
    boolean[] live = new boolean[windowBase];
    for (int i = 0; i < m; i++) {
      if (g[i] >= 0) {
        live[g[i]] = true;
      }
    }
    int liveCount = 0;
    for (boolean l : live) {
      liveCount += l ? 1 : 0;
    }
    Arrays.fill(best, -prof.fn());
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(a[y], a[x]));
    double fpSum = 0.0;
    double winSum = -prof.fn() * liveCount;
    double cur = 1.1;
    double bestRaw = fpSum + winSum;
    double bestThr = cur;
    int found = 0;
    int fps = 0;
    int bestFound = 0;
    int bestFps = 0;
    for (int idx = 0; idx < m; idx++) {
      int k = order[idx];
      if (a[k] != cur) {
        if (fpSum + winSum > bestRaw) {
          bestRaw = fpSum + winSum;
          bestThr = cur;
          bestFound = found;
          bestFps = fps;
        }
        cur = a[k];
      }
      if (g[k] < 0) {
        fpSum += w[k];
        fps++;
      } else if (w[k] > best[g[k]]) {
        if (best[g[k]] == -prof.fn()) {
          found++;
        }
        winSum += w[k] - best[g[k]];
        best[g[k]] = w[k];
      }
    }
    if (fpSum + winSum > bestRaw) {
      bestRaw = fpSum + winSum;
      bestThr = cur;
      bestFound = found;
      bestFps = fps;
    }
    double nul = -prof.fn() * totalWindows;
    double perfect = prof.tp() * totalWindows;
    double norm = 100.0 * (bestRaw - nul) / (perfect - nul);
    return new Result(prof, norm, bestRaw, bestThr, bestFound, liveCount, bestFps);
  }

  /**
   * One file's share of a profile's result at a given threshold: windows found (a window counts
   * when one of its rows past probation is detected) and missed, detections outside windows, the
   * raw score gained in windows (earliest detection's weight) and lost to false positives, and each
   * window's first detection as a fraction of the window (0 = its start; -1 = missed).
   */
  public record FileBreakdown(
      String name,
      int windowsFound,
      int windowsMissed,
      int falsePositives,
      double tpScore,
      double fpCost,
      double[] firstDetection) {

    @Override
    public String toString() {
      StringBuilder at = new StringBuilder();
      for (double d : firstDetection) {
        at.append(at.length() == 0 ? "" : " ")
            .append(d < 0 ? "miss" : String.format(Locale.ROOT, "%.2f", d));
      }
      return String.format(
          Locale.ROOT,
          "%-56s TP %d FN %d FP %3d  window score %+.2f  FP cost %.2f  first detection %s",
          name,
          windowsFound,
          windowsMissed,
          falsePositives,
          tpScore,
          fpCost,
          at.length() == 0 ? "-" : at);
    }
  }

  /**
   * Per-file breakdown of a profile at {@code threshold} (detection = score >= threshold), e.g. the
   * optimal threshold of {@link #score}: where a configuration gains and loses its points.
   */
  public static List<FileBreakdown> breakdown(
      List<FileResult> files, Profile prof, double threshold) {
    List<FileBreakdown> out = new ArrayList<>();
    for (FileResult f : files) {
      int n = f.scores().length;
      double[] w = new double[n];
      int[] g = new int[n];
      weights(n, f.windows(), prof, w, g);
      int k = f.windows().size();
      double[] first = new double[k];
      Arrays.fill(first, -1.0);
      boolean[] live = new boolean[k];
      int fps = 0;
      double fpCost = 0.0;
      double tp = 0.0;
      for (int i = 0; i < n; i++) {
        if (g[i] >= 0) {
          live[g[i]] = true;
        }
        if (g[i] == -2 || f.scores()[i] < threshold) {
          continue;
        }
        if (g[i] == -1) {
          fps++;
          fpCost -= w[i];
        } else if (first[g[i]] < 0) {
          int[] win = f.windows().get(g[i]);
          first[g[i]] = (i - win[0]) / (double) (win[1] - win[0] + 1);
          tp += w[i];
        }
      }
      int found = 0;
      int missed = 0;
      for (int j = 0; j < k; j++) {
        if (first[j] >= 0) {
          found++;
        } else if (live[j]) {
          missed++;
          tp -= prof.fn();
        }
      }
      out.add(new FileBreakdown(f.name(), found, missed, fps, tp, fpCost, first));
    }
    return out;
  }

  /**
   * Which detector component made the detections at {@code threshold} (score >= threshold):
   * components[f][i] names row i of file f. Per component, in name order: detections outside
   * windows (false positives), windows it detected first, and later detections in a window already
   * detected; detections in the probation period are not counted.
   */
  public static Map<String, int[]> byComponent(
      List<FileResult> files, List<String[]> components, Profile prof, double threshold) {
    Map<String, int[]> out = new TreeMap<>();
    for (int f = 0; f < files.size(); f++) {
      FileResult file = files.get(f);
      int n = file.scores().length;
      double[] w = new double[n];
      int[] g = new int[n];
      weights(n, file.windows(), prof, w, g);
      boolean[] detected = new boolean[file.windows().size()];
      for (int i = 0; i < n; i++) {
        if (g[i] == -2 || file.scores()[i] < threshold) {
          continue;
        }
        int[] counts = out.computeIfAbsent(components.get(f)[i], c -> new int[3]);
        if (g[i] == -1) {
          counts[0]++;
        } else if (!detected[g[i]]) {
          detected[g[i]] = true;
          counts[1]++;
        } else {
          counts[2]++;
        }
      }
    }
    return out;
  }

  /** Per-row weight and group: -2 probation, -1 outside windows, k >= 0 window index. */
  static void weights(int n, List<int[]> windows, Profile prof, double[] w, int[] g) {
    double prob = Math.min(Math.floor(PROBATION_PERCENT * n), PROBATION_PERCENT * 5000);
    Arrays.fill(g, -1);
    Integer prevR = null;
    double prevWidth = 0;
    int wi = 0;
    int i = 0;
    while (i < n) {
      if (wi < windows.size() && i == windows.get(wi)[0]) {
        int l = windows.get(wi)[0];
        int r = windows.get(wi)[1];
        double width = r - l + 1.0;
        for (int j = l; j <= r; j++) {
          w[j] = scaledSigmoid(-(r - j + 1) / width) * prof.tp() / scaledSigmoid(-1.0);
          g[j] = wi;
        }
        prevR = r;
        prevWidth = width;
        wi++;
        i = r + 1;
        continue;
      }
      double u = prevR == null ? -1.0 : scaledSigmoid(Math.abs(prevR - i) / (prevWidth - 1.0));
      w[i] = u * prof.fp();
      i++;
    }
    for (int j = 0; j < n && j < prob; j++) {
      g[j] = -2;
    }
  }
}
