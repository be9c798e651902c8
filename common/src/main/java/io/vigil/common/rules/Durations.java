package io.vigil.common.rules;

import java.util.Locale;

/**
 * Parses rule durations written as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}.
 */
public final class Durations {
  private Durations() {}

  /** Milliseconds of a duration string; a bare number is seconds. Null or blank is 0. */
  public static long parseMillis(String s) {
    if (s == null || s.isBlank()) {
      return 0;
    }
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Long.parseLong(t.substring(0, t.length() - 2).trim());
      }
      char unit = t.charAt(t.length() - 1);
      long mult =
          switch (unit) {
            case 's' -> 1_000L;
            case 'm' -> 60_000L;
            case 'h' -> 3_600_000L;
            case 'd' -> 86_400_000L;
            default -> -1L;
          };
      if (mult < 0) {
        return Long.parseLong(t) * 1_000L;
      }
      return Long.parseLong(t.substring(0, t.length() - 1).trim()) * mult;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "bad duration '" + s + "': write a number with ms, s, m, h or d, e.g. 5m", e);
    }
  }
}
