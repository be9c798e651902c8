package io.vigil.common.logs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A log header format such as {@code <Date> <Time> <Level> <Component>: <Content>} (the Loghub
 * {@code log_format} syntax) compiled to a regular expression that splits a line into its header
 * fields and the message. As in Loghub's {@code generate_logformat_regex}, each {@code <Name>}
 * becomes a lazy group, text between fields is taken as regular-expression syntax (so {@code \[} is
 * a literal bracket), and each run of spaces matches any run of whitespace.
 */
public final class LogFormat {

  /** The field that holds the message to mine. */
  public static final String CONTENT = "Content";

  private static final Pattern FIELD = Pattern.compile("<([^<>]+)>");

  private final String format;
  private final List<String> fields;
  private final Pattern pattern;
  private final int contentGroup;

  private LogFormat(String format, List<String> fields, Pattern pattern) {
    this.format = format;
    this.fields = fields;
    this.pattern = pattern;
    this.contentGroup = fields.indexOf(CONTENT) + 1;
  }

  /**
   * Compiles {@code format}; throws IllegalArgumentException with the reason when it is invalid.
   */
  public static LogFormat parse(String format) {
    List<String> fields = new ArrayList<>();
    StringBuilder regex = new StringBuilder("^");
    Matcher m = FIELD.matcher(format);
    int last = 0;
    while (m.find()) {
      regex.append(literal(format.substring(last, m.start())));
      String name = m.group(1).trim();
      if (name.isEmpty() || fields.contains(name)) {
        throw new IllegalArgumentException("empty or repeated field <" + name + "> in " + format);
      }
      fields.add(name);
      regex.append("(.*?)");
      last = m.end();
    }
    regex.append(literal(format.substring(last))).append('$');
    if (!fields.contains(CONTENT)) {
      throw new IllegalArgumentException("format has no <Content> field: " + format);
    }
    try {
      return new LogFormat(
          format, Collections.unmodifiableList(fields), Pattern.compile(regex.toString()));
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new IllegalArgumentException("format is not a valid pattern: " + format, e);
    }
  }

  private static String literal(String text) {
    return text.replaceAll(" +", "\\\\s+");
  }

  /** The format string this was built from. */
  public String format() {
    return format;
  }

  /** Header field names in order, including {@code Content}. */
  public List<String> fields() {
    return fields;
  }

  /** The regular expression lines are matched against. */
  public String regex() {
    return pattern.pattern();
  }

  /** The message part of {@code line} (trimmed), or empty when the line does not fit the format. */
  public Optional<String> content(String line) {
    Matcher m = pattern.matcher(line.strip());
    return m.matches() ? Optional.of(m.group(contentGroup)) : Optional.empty();
  }

  /** All fields of {@code line} by name, or empty when the line does not fit the format. */
  public Optional<Map<String, String>> split(String line) {
    Matcher m = pattern.matcher(line.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      out.put(fields.get(i), m.group(i + 1));
    }
    return Optional.of(out);
  }
}
