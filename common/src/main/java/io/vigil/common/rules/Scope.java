package io.vigil.common.rules;

import java.util.Map;
import java.util.TreeMap;

/**
 * A series selector: metric, source and tag matchers. A null or {@code *} matcher matches anything;
 * a matcher may end in {@code *} to match a prefix; a tag matcher {@code !v} requires the tag to
 * differ from {@code v}.
 */
public record Scope(String metric, String source, Map<String, String> tags) {

  public static final Scope ANY = new Scope(null, null, Map.of());

  public Scope {
    tags = tags == null ? Map.of() : new TreeMap<>(tags);
  }

  /** True when the series (source, metric, tags) is selected by this scope. */
  public boolean matches(String seriesSource, String seriesMetric, Map<String, String> seriesTags) {
    if (!glob(metric, seriesMetric) || !glob(source, seriesSource)) {
      return false;
    }
    for (Map.Entry<String, String> m : tags.entrySet()) {
      String actual = seriesTags == null ? null : seriesTags.get(m.getKey());
      String want = m.getValue();
      if (want != null && want.startsWith("!")) {
        if (actual != null && glob(want.substring(1), actual)) {
          return false;
        }
      } else if (actual == null || !glob(want, actual)) {
        return false;
      }
    }
    return true;
  }

  static boolean glob(String pattern, String value) {
    if (pattern == null || pattern.isEmpty() || pattern.equals("*")) {
      return true;
    }
    if (value == null) {
      return false;
    }
    if (pattern.endsWith("*")) {
      return value.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(value);
  }
}
