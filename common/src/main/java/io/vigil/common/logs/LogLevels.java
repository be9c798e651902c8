package io.vigil.common.logs;

import java.util.Locale;

/**
 * Normalises the many spellings of a log severity (syslog, log4j, Python, Android single letters,
 * OpenTelemetry severity numbers) to TRACE, DEBUG, INFO, WARN, ERROR, FATAL or UNSPECIFIED.
 */
public final class LogLevels {
  public static final String TRACE = "TRACE";
  public static final String DEBUG = "DEBUG";
  public static final String INFO = "INFO";
  public static final String WARN = "WARN";
  public static final String ERROR = "ERROR";
  public static final String FATAL = "FATAL";
  public static final String UNSPECIFIED = "UNSPECIFIED";

  private LogLevels() {}

  /** The normalised level of a severity text; UNSPECIFIED for null, empty or unknown text. */
  public static String normalize(String text) {
    if (text == null) {
      return UNSPECIFIED;
    }
    String s = text.trim().toUpperCase(Locale.ROOT);
    // "ERROR2", "WARN3" (OpenTelemetry severity texts) and "<3>" style suffixes don't change it
    int end = s.length();
    while (end > 1 && Character.isDigit(s.charAt(end - 1))) {
      end--;
    }
    s = s.substring(0, end);
    return switch (s) {
      case "TRACE", "FINEST", "FINER", "VERBOSE", "V", "T" -> TRACE;
      case "DEBUG", "DBG", "FINE", "D" -> DEBUG;
      case "INFO", "INFORMATION", "INFORMATIONAL", "NOTICE", "CONFIG", "I", "N" -> INFO;
      case "WARN", "WARNING", "W" -> WARN;
      case "ERROR", "ERR", "E", "SEVERE" -> ERROR;
      case "FATAL", "CRITICAL", "CRIT", "ALERT", "EMERG", "EMERGENCY", "PANIC", "F", "C" -> FATAL;
      default -> UNSPECIFIED;
    };
  }

  /** The level of an OpenTelemetry severity number (1-24); UNSPECIFIED outside that range. */
  public static String fromOtelNumber(int n) {
    if (n >= 1 && n <= 4) {
      return TRACE;
    } else if (n >= 5 && n <= 8) {
      return DEBUG;
    } else if (n >= 9 && n <= 12) {
      return INFO;
    } else if (n >= 13 && n <= 16) {
      return WARN;
    } else if (n >= 17 && n <= 20) {
      return ERROR;
    } else if (n >= 21 && n <= 24) {
      return FATAL;
    }
    return UNSPECIFIED;
  }

  /** Whether a normalised level counts as an error for error grouping (ERROR and FATAL). */
  public static boolean isError(String level) {
    return ERROR.equals(level) || FATAL.equals(level);
  }
}
