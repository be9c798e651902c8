package io.vigil.common.util;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Shell-style globs for names and paths: {@code *} any run of characters, {@code ?} one, every
 * other character literal; case-insensitive, as people write them for alert names, severities and
 * JSON property paths. A blank glob matches everything.
 */
public final class Glob {
  private Glob() {}

  /** The regular expression of a glob. */
  public static Pattern compile(String glob) {
    if (glob == null || glob.isBlank()) {
      return Pattern.compile(".*", Pattern.DOTALL);
    }
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.trim().toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(
        re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }

  /** The globs of a comma-separated list (blank entries left out). */
  public static List<Pattern> list(String commaSeparated) {
    return java.util.Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(g -> !g.isEmpty())
        .map(Glob::compile)
        .toList();
  }

  /** Whether any of the patterns matches the whole of {@code s}. */
  public static boolean any(List<Pattern> patterns, String s) {
    for (Pattern p : patterns) {
      if (p.matcher(s).matches()) {
        return true;
      }
    }
    return false;
  }
}
