package io.vigil.common.backtest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * Parses the timestamps backtest files use: NAB's {@code 2014-04-01 00:00:00} (optionally with a
 * fraction, read as UTC), RFC 3339 / ISO-8601 with an offset, and epoch milliseconds.
 */
public final class Timestamps {
  private static final DateTimeFormatter LOCAL =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd")
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .appendPattern("HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter();

  private Timestamps() {}

  /** Epoch milliseconds of {@code text}; throws {@link DateTimeParseException} when unreadable. */
  public static long parseMillis(String text) {
    String t = text.trim();
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(t);
    }
    char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
    boolean hasOffset =
        last == 'Z' || last == 'z' || t.length() > 19 && (t.lastIndexOf('+') > 10 || offsetDash(t));
    if (hasOffset) {
      return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant().toEpochMilli();
    }
    return LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  private static boolean offsetDash(String t) {
    int dash = t.lastIndexOf('-');
    return dash > 10 && t.indexOf(':', dash) > dash;
  }

  /** For messages: the instant in ISO form. */
  static String format(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
