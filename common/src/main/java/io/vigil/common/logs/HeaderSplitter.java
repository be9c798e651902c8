package io.vigil.common.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written matcher for the regular expression {@link LogFormat} builds ({@code ^(.*?)\s+(.*?)
 * literal(.*?)$}) with identical results and no regex engine: it runs the same depth-first search
 * (lazy fields try the shortest end first, whitespace runs try the longest first) but jumps
 * straight to the candidate ends with {@code indexOf} instead of trying every position.
 *
 * <p>Only formats whose literal text is plain characters, spaces and backslash escapes of
 * non-alphanumerics ({@code \[}, {@code \|}) are supported; {@link #compile} returns null for any
 * other regex syntax and LogFormat keeps using the regex.
 */
final class HeaderSplitter {
  private static final int FIELD = 0;
  private static final int SPACE = 1;
  private static final int LITERAL = 2;
  private static final String REGEX_SYNTAX = ".[]{}()*+?^$|\\";

  private final int[] kinds;
  private final String[] literals;
  private final int[] fieldIndex;
  private final int fieldCount;

  private HeaderSplitter(List<Integer> kinds, List<String> literals, List<Integer> fieldIndex) {
    this.kinds = kinds.stream().mapToInt(Integer::intValue).toArray();
    this.literals = literals.toArray(new String[0]);
    this.fieldIndex = fieldIndex.stream().mapToInt(Integer::intValue).toArray();
    int n = 0;
    for (int k : this.kinds) {
      n += k == FIELD ? 1 : 0;
    }
    this.fieldCount = n;
  }

  /**
   * A splitter for a format's pieces: {@code literals.get(i)} is the text before field {@code i},
   * the last one the text after the last field. Null when a literal holds regex syntax.
   */
  static HeaderSplitter compile(List<String> literalsBetweenFields) {
    List<Integer> kinds = new ArrayList<>();
    List<String> lits = new ArrayList<>();
    List<Integer> fields = new ArrayList<>();
    for (int f = 0; f < literalsBetweenFields.size(); f++) {
      String text = literalsBetweenFields.get(f);
      StringBuilder lit = new StringBuilder();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == ' ') {
          flush(lit, kinds, lits, fields);
          while (i + 1 < text.length() && text.charAt(i + 1) == ' ') {
            i++;
          }
          add(SPACE, null, kinds, lits, fields);
        } else if (c == '\\') {
          if (i + 1 >= text.length() || Character.isLetterOrDigit(text.charAt(i + 1))) {
            return null; // \d, \s, \1...: regex classes and references
          }
          lit.append(text.charAt(++i));
        } else if (REGEX_SYNTAX.indexOf(c) >= 0) {
          return null;
        } else {
          lit.append(c);
        }
      }
      flush(lit, kinds, lits, fields);
      if (f < literalsBetweenFields.size() - 1) {
        add(FIELD, null, kinds, lits, fields);
      }
    }
    return new HeaderSplitter(kinds, lits, fields);
  }

  private static void flush(
      StringBuilder lit, List<Integer> kinds, List<String> lits, List<Integer> fields) {
    if (lit.length() > 0) {
      add(LITERAL, lit.toString(), kinds, lits, fields);
      lit.setLength(0);
    }
  }

  private static void add(
      int kind, String lit, List<Integer> kinds, List<String> lits, List<Integer> fields) {
    int fieldNo = 0;
    for (int k : kinds) {
      fieldNo += k == FIELD ? 1 : 0;
    }
    kinds.add(kind);
    lits.add(lit);
    fields.add(kind == FIELD ? fieldNo : -1);
  }

  /**
   * Splits {@code line} (already stripped): {@code bounds[2i]}, {@code bounds[2i+1]} are the start
   * and end of field {@code i}. False when the line does not fit.
   */
  boolean split(String line, int[] bounds) {
    // A line must contain the literals in order; checking that first turns the search's worst case
    // (a line without a separator makes every field try every end) into one linear scan.
    int pos = 0;
    for (int e = 0; e < kinds.length; e++) {
      if (kinds[e] == LITERAL) {
        int i = line.indexOf(literals[e], pos);
        if (i < 0) {
          return false;
        }
        pos = i + literals[e].length();
      }
    }
    return match(line, 0, 0, bounds);
  }

  int fieldCount() {
    return fieldCount;
  }

  private boolean match(String s, int e, int pos, int[] b) {
    if (e == kinds.length) {
      return pos == s.length();
    }
    switch (kinds[e]) {
      case LITERAL -> {
        String lit = literals[e];
        return s.startsWith(lit, pos) && match(s, e + 1, pos + lit.length(), b);
      }
      case SPACE -> {
        int run = 0;
        while (pos + run < s.length() && isSpace(s.charAt(pos + run))) {
          run++;
        }
        for (int k = run; k >= 1; k--) {
          if (match(s, e + 1, pos + k, b)) {
            return true;
          }
        }
        return false;
      }
      default -> {
        return matchField(s, e, pos, b);
      }
    }
  }

  /** A lazy {@code (.*?)}: ends tried shortest first, never across a line terminator. */
  private boolean matchField(String s, int e, int pos, int[] b) {
    int limit = pos;
    while (limit < s.length() && !isLineTerminator(s.charAt(limit))) {
      limit++;
    }
    int f = fieldIndex[e];
    b[2 * f] = pos;
    int next = e + 1;
    if (next == kinds.length) {
      b[2 * f + 1] = s.length();
      return limit == s.length();
    }
    switch (kinds[next]) {
      case LITERAL -> {
        String lit = literals[next];
        for (int i = s.indexOf(lit, pos); i >= 0 && i <= limit; i = s.indexOf(lit, i + 1)) {
          b[2 * f + 1] = i;
          if (match(s, next + 1, i + lit.length(), b)) {
            return true;
          }
        }
        return false;
      }
      case SPACE -> {
        for (int i = pos; i <= limit && i < s.length(); i++) {
          if (isSpace(s.charAt(i))) {
            b[2 * f + 1] = i;
            if (match(s, next, i, b)) {
              return true;
            }
          }
        }
        return false;
      }
      default -> {
        for (int i = pos; i <= limit; i++) {
          b[2 * f + 1] = i;
          if (match(s, next, i, b)) {
            return true;
          }
        }
        return false;
      }
    }
  }

  /** {@code \s} without UNICODE_CHARACTER_CLASS. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /** What {@code .} does not match without DOTALL. */
  private static boolean isLineTerminator(char c) {
    return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }
}
