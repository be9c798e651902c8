package io.vigil.common.backtest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Labelled anomaly windows in NAB's {@code combined_windows.json} format: {@code
 * "category/file.csv": [["start", "end"], ...]}, timestamps matched on their first 19 characters.
 */
public final class LabelWindows {
  private final Map<String, List<List<String>>> windows;

  private LabelWindows(Map<String, List<List<String>>> windows) {
    this.windows = windows;
  }

  /** Reads the JSON file. */
  public static LabelWindows read(File file) throws IOException {
    return new LabelWindows(
        new ObjectMapper()
            .readValue(file, new TypeReference<Map<String, List<List<String>>>>() {}));
  }

  /** Whether {@code relPath} ("category/file.csv") is labelled at all. */
  public boolean covers(String relPath) {
    return windows.containsKey(relPath);
  }

  /** The windows of one file as inclusive row index ranges, given its timestamp strings. */
  public List<int[]> rowWindows(String relPath, List<String> timestamps) {
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < timestamps.size(); i++) {
      index.putIfAbsent(head(timestamps.get(i)), i);
    }
    List<int[]> out = new ArrayList<>();
    for (List<String> w : windows.getOrDefault(relPath, List.of())) {
      Integer a = index.get(head(w.get(0)));
      Integer b = index.get(head(w.get(1)));
      if (a == null || b == null) {
        throw new IllegalArgumentException(
            relPath + ": window " + w + " does not match any row timestamp");
      }
      out.add(new int[] {a, b});
    }
    return out;
  }

  /** Total number of windows over all labelled files. */
  public int totalWindows() {
    return windows.values().stream().mapToInt(List::size).sum();
  }

  private static String head(String ts) {
    return ts.length() > 19 ? ts.substring(0, 19) : ts;
  }
}
