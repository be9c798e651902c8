package io.vigil.common.alerts;

import java.util.Map;
import java.util.TreeMap;

/**
 * A silence or maintenance window: alerts whose labels match every matcher between {@code startsAt}
 * and {@code endsAt} (wall clock, epoch millis) are suppressed. A matcher value ending in {@code *}
 * matches a prefix.
 */
public record Silence(String id, Map<String, String> matchers, long startsAt, long endsAt) {

  public Silence {
    matchers = matchers == null ? new TreeMap<>() : new TreeMap<>(matchers);
  }

  /** True when active at {@code now} and every matcher matches the labels. */
  public boolean matches(Map<String, String> labels, long now) {
    return now >= startsAt && now < endsAt && matchesAll(matchers, labels);
  }

  /** Whether every matcher (an exact value, or a prefix ending in {@code *}) matches the labels. */
  public static boolean matchesAll(Map<String, String> matchers, Map<String, String> labels) {
    for (Map.Entry<String, String> m : matchers.entrySet()) {
      String v = labels.get(m.getKey());
      String want = m.getValue();
      boolean ok =
          want.endsWith("*")
              ? v != null && v.startsWith(want.substring(0, want.length() - 1))
              : want.equals(v);
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
