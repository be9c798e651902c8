package io.vigil.common.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a log message on whitespace and replaces the variable-looking parts of each token with
 * {@link #WILDCARD}, with one generic rule set for every log source. Text in double quotes stays in
 * one token with its spaces ({@code msg="disk is full"}), its words masked one by one.
 *
 * <p>A token is cut into segments at the structural delimiters {@code = : , ; ( ) [ ] { } " ' < >
 * |} and at runs of two or more dots. A segment is variable when it contains a digit (numbers, hex,
 * IPs, ports, dates, times, UUIDs, block and attempt ids), looks like a path (starts with {@code
 * /}, has two slashes or a backslash), an e-mail address, or is the value of a {@code key=value}
 * pair. A token with {@code ://} is a URL and becomes one wildcard. Wildcards joined by a single
 * {@code : , ; | =} collapse into one, so {@code 10.0.0.1:8080} and {@code 10.0.0.1} mask the same
 * way. The delimiters themselves stay, so {@code size=<*>,} and {@code [<*>]} keep their shape.
 * Hand-written scanning instead of regular expressions keeps this at well under a microsecond per
 * line.
 */
public final class TokenMasker {

  /** The token that stands for a variable part of a message. */
  public static final String WILDCARD = "<*>";

  private static final String[] EMPTY = new String[0];

  private TokenMasker() {}

  /** The masked whitespace-separated tokens of {@code content}; never null. */
  public static String[] mask(String content) {
    List<String> out = new ArrayList<>(16);
    int n = content.length();
    int i = 0;
    StringBuilder sb = new StringBuilder(32);
    boolean afterNumber = false;
    while (i < n) {
      while (i < n && isSpace(content.charAt(i))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      long scanned = tokenEnd(content, start);
      i = (int) (scanned >>> 1);
      boolean quoted = (scanned & 1) != 0;
      String masked = maskToken(content, start, i, sb, quoted);
      if (afterNumber && masked != WILDCARD) {
        String unit = maskUnit(masked);
        String last = out.isEmpty() ? "" : out.get(out.size() - 1);
        if (unit != masked && last.endsWith(WILDCARD)) {
          // "5.2 KB," is one variable and a comma; "(1.2 MB)" is "(<*>)"; "(5 sec" is "(<*>".
          out.set(out.size() - 1, last + unit.substring(WILDCARD.length()));
          afterNumber = false;
          continue;
        }
        masked = unit;
      }
      afterNumber = !quoted && isNumber(content, start, i);
      // Adjacent variables are one variable of varying length (a list of ids, a value with spaces).
      if (masked == WILDCARD && !out.isEmpty() && out.get(out.size() - 1) == WILDCARD) {
        continue;
      }
      out.add(masked);
    }
    return out.isEmpty() ? EMPTY : out.toArray(EMPTY);
  }

  /** Masks a single token (no whitespace inside). */
  public static String maskToken(String token) {
    return maskToken(token, 0, token.length(), new StringBuilder(), false);
  }

  /**
   * Where the token starting at {@code start} ends: at the next whitespace, unless a double quote
   * opened in the token closes further on ({@code msg="disk is full"}, a quoted user agent): then
   * the quoted text with its spaces belongs to the token, so a quoted value of varying length is
   * one position of the template. A quote that never closes, or one escaped by a backslash, is an
   * ordinary character. Returns {@code end << 1}, plus 1 when the token has whitespace inside.
   */
  private static long tokenEnd(String s, int start) {
    int n = s.length();
    int end = start;
    boolean open = false;
    while (end < n && !isSpace(s.charAt(end))) {
      open ^= isQuote(s, end);
      end++;
    }
    if (!open) {
      return (long) end << 1;
    }
    int firstSpace = end;
    while (open) {
      int close = end;
      while (close < n && !isQuote(s, close)) {
        close++;
      }
      if (close >= n) {
        // Unclosed: the token ends at the whitespace before this quote's text.
        return ((long) end << 1) | (end > firstSpace ? 1 : 0);
      }
      open = false;
      end = close + 1;
      while (end < n && !isSpace(s.charAt(end))) {
        open ^= isQuote(s, end);
        end++;
      }
    }
    return ((long) end << 1) | 1;
  }

  private static boolean isQuote(String s, int i) {
    return s.charAt(i) == '"' && (i == 0 || s.charAt(i - 1) != '\\');
  }

  /**
   * Masks one token; in a {@code quoted} token (one with spaces inside quotes) whitespace separates
   * segments like a delimiter and is kept, so each word is masked on its own.
   */
  static String maskToken(String s, int start, int end, StringBuilder sb, boolean quoted) {
    boolean special = false;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if ((c >= '0' && c <= '9') || c == '/' || c == '=' || c == '@' || c == '\\') {
        special = true;
        break;
      }
    }
    if (!special) {
      return isDateName(s, start, end) ? WILDCARD : s.substring(start, end);
    }
    if (!quoted
        && (isHexColon(s, start, end)
            || isEndpoint(s, start, end)
            || isDrivePath(s, start, end)
            || (s.indexOf("://", start) >= 0 && s.indexOf("://", start) < end))) {
      return WILDCARD;
    }
    sb.setLength(0);
    int lastWildcardEnd = -2;
    boolean afterEquals = false;
    int segStart = start;
    for (int i = start; i <= end; i++) {
      char c = i < end ? s.charAt(i) : '\0';
      if (i < end && !isDelimiter(c) && !(quoted && isSpace(c)) && !isDotRun(s, i, start, end)) {
        continue;
      }
      if (i > segStart) {
        if (afterEquals || isVariable(s, segStart, i)) {
          int len = sb.length();
          if (len == lastWildcardEnd + 1 && isJoiner(sb.charAt(lastWildcardEnd))) {
            sb.setLength(lastWildcardEnd);
          } else if (len != lastWildcardEnd) {
            sb.append(WILDCARD);
          }
          lastWildcardEnd = sb.length();
        } else {
          sb.append(s, segStart, i);
        }
      }
      if (i < end) {
        sb.append(c);
        afterEquals = c == '=';
      }
      segStart = i + 1;
    }
    int len = sb.length();
    boolean whole =
        lastWildcardEnd == len
            && (len == WILDCARD.length()
                // "<1", ">100", "~5": a bound or an estimate is a value like the number itself.
                || (len == WILDCARD.length() + 1 && "<>~".indexOf(sb.charAt(0)) >= 0));
    return whole ? WILDCARD : sb.toString();
  }

  private static boolean isVariable(String s, int a, int b) {
    int slashes = 0;
    int at = -1;
    for (int i = a; i < b; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
      if (c == '/') {
        slashes++;
      } else if (c == '\\') {
        return true;
      } else if (c == '@' && at < 0) {
        at = i;
      }
    }
    if (slashes >= 2 || (slashes == 1 && b - a > 1 && startsPath(s, a))) {
      return true;
    }
    // user@example.com: a name, an '@' and a dotted domain.
    return at > a && s.lastIndexOf('.', b - 1) > at + 1;
  }

  /** A run of two or more dots separates words, as in {@code dcbf.........0}. */
  private static boolean isDotRun(String s, int i, int start, int end) {
    return s.charAt(i) == '.'
        && ((i + 1 < end && s.charAt(i + 1) == '.') || (i > start && s.charAt(i - 1) == '.'));
  }

  /** MAC addresses and IPv6: hex digits and at least two colons, e.g. {@code FF:F2:9F:16:E2:23}. */
  private static boolean isHexColon(String s, int a, int b) {
    int colons = 0;
    for (int i = a; i < b; i++) {
      char c = s.charAt(i);
      if (c == ':') {
        colons++;
      } else if (Character.digit(c, 16) < 0 && c != '.') {
        return false;
      }
    }
    return colons >= 2;
  }

  /**
   * {@code host.example.com:443}: a dotted name, a colon and a port (trailing punctuation allowed).
   */
  private static boolean isEndpoint(String s, int a, int b) {
    while (b > a && ",;)]".indexOf(s.charAt(b - 1)) >= 0) {
      b--;
    }
    int colon = s.lastIndexOf(':', b - 1);
    if (colon <= a || colon >= b - 1) {
      return false;
    }
    for (int i = colon + 1; i < b; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    boolean dot = false;
    for (int i = a; i < colon; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        dot = true;
      } else if (!Character.isLetterOrDigit(c) && c != '-' && c != '_') {
        return false;
      }
    }
    return dot;
  }

  /** {@code C:\\Windows\\system32}. */
  private static boolean isDrivePath(String s, int a, int b) {
    return b - a > 3
        && Character.isLetter(s.charAt(a))
        && s.charAt(a + 1) == ':'
        && s.charAt(a + 2) == '\\';
  }

  /** Day and month names of dates ({@code Fri Jul 01 ...}); "May" is left alone. */
  private static boolean isDateName(String s, int a, int b) {
    int len = b - a;
    if (len != 3 && len != 4) {
      return false;
    }
    String t = len == 4 && s.charAt(b - 1) == ',' ? s.substring(a, b - 1) : s.substring(a, b);
    return DATE_NAMES.contains(t);
  }

  private static final java.util.Set<String> DATE_NAMES =
      java.util.Set.of(
          "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
          "Aug", "Sep", "Oct", "Nov", "Dec");

  /** A plain number such as {@code 12}, {@code -3} or {@code 5.2}. */
  private static boolean isNumber(String s, int a, int b) {
    while (a < b && "([{<~".indexOf(s.charAt(a)) >= 0) {
      a++;
    }
    while (b > a && ")]},;:".indexOf(s.charAt(b - 1)) >= 0) {
      b--;
    }
    boolean digit = false;
    for (int i = a; i < b; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c != '.' && c != ',' && !(i == a && (c == '-' || c == '+'))) {
        return false;
      }
    }
    return digit;
  }

  /**
   * A unit after a number varies with it ({@code 5.2 KB}, {@code 800 B}, {@code 12 ms}), so it is
   * masked too; trailing punctuation stays.
   */
  private static String maskUnit(String token) {
    int end = 0;
    while (end < token.length()
        && (Character.isLetter(token.charAt(end)) || token.charAt(end) == '%')) {
      end++;
    }
    if (end == 0 || !UNITS.contains(token.substring(0, end))) {
      return token;
    }
    return end == token.length() ? WILDCARD : WILDCARD + token.substring(end);
  }

  private static final java.util.Set<String> UNITS =
      java.util.Set.of(
          "B", "KB", "MB", "GB", "TB", "PB", "kB", "KiB", "MiB", "GiB", "TiB", "b", "kb", "mb",
          "gb", "bytes", "ms", "us", "ns", "s", "sec", "secs", "seconds", "min", "mins", "minutes",
          "h", "hours", "days", "%");

  private static boolean startsPath(String s, int a) {
    char c = s.charAt(a);
    return c == '/' || ((c == '.' || c == '~') && s.indexOf('/', a) <= a + 3);
  }

  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x0B;
  }

  private static boolean isDelimiter(char c) {
    switch (c) {
      case '=':
      case ':':
      case ',':
      case ';':
      case '(':
      case ')':
      case '[':
      case ']':
      case '{':
      case '}':
      case '"':
      case '\'':
      case '<':
      case '>':
      case '|':
        return true;
      default:
        return false;
    }
  }

  private static boolean isJoiner(char c) {
    return c == ':' || c == ',' || c == ';' || c == '|' || c == '=';
  }

  /** Whether a masked token is exactly the wildcard. */
  public static boolean isWildcard(String token) {
    return token == WILDCARD || WILDCARD.equals(token);
  }
}
