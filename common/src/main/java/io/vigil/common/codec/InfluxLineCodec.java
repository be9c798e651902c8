package io.vigil.common.codec;

import io.vigil.common.model.MetricPoint;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes InfluxDB line protocol, what Telegraf's Kafka output writes by default: one point per
 * line, {@code measurement[,tag=value...] field=value[,field=value...] [timestamp]}, with the
 * protocol's backslash escapes, quoted string fields, integer ({@code 5i}), unsigned ({@code 5u}),
 * float and boolean fields. Every numeric or boolean field is one series, named {@code
 * measurement_field} as Telegraf's Prometheus output names it ({@code cpu_usage_idle}), or just the
 * measurement for a field called {@code value} (the layouts of Telegraf's Prometheus input, which
 * carry the sample types, are read as {@link TelegrafSeries} says); booleans score as 1 and 0. A
 * string field is not a number to score: it is reported, so a sender that always has one learns to
 * exclude it (Telegraf: {@code fieldexclude}). Timestamps in any epoch unit are told apart by
 * magnitude ({@link MetricCodec#epochMillis}); a line without one takes the Kafka record's time.
 * Blank lines and {@code #} comments are skipped.
 */
final class InfluxLineCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  static final java.util.regex.Pattern FLOAT =
      java.util.regex.Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

  private final MetricCodec.Settings settings;

  InfluxLineCodec(MetricCodec.Settings settings) {
    this.settings = settings;
  }

  /**
   * Decodes every line; when not one line has the protocol's shape, each reason starts with {@code
   * notLineProtocol}.
   */
  MetricJsonCodec.Result decode(byte[] message, long fallbackTimestamp, String notLineProtocol) {
    List<MetricPoint> points = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    String text = new String(message, StandardCharsets.UTF_8);
    int lineNo = 0;
    int shaped = 0;
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      lineNo++;
      String line = text.substring(start, end).strip();
      start = end + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        new Line(line).parse(points, errors, "line " + lineNo + ": ", fallbackTimestamp);
        shaped++;
      } catch (LogFields.BadRecord e) {
        errors.add("line " + lineNo + ": " + e.getMessage());
      }
    }
    if (points.isEmpty() && errors.isEmpty()) {
      errors.add("no line-protocol points");
    }
    if (shaped == 0 && !notLineProtocol.isEmpty()) {
      errors.replaceAll(e -> notLineProtocol + e);
    }
    return new MetricJsonCodec.Result(points, errors);
  }

  /** A cursor over one line. */
  private final class Line {
    private final String s;
    private int i;

    Line(String s) {
      this.s = s;
    }

    void parse(List<MetricPoint> points, List<String> errors, String where, long fallback)
        throws LogFields.BadRecord {
      String measurement = token(",", " ", true);
      if (measurement.isEmpty()) {
        throw new LogFields.BadRecord("missing measurement");
      }
      Map<String, String> tags = new TreeMap<>();
      while (i < s.length() && s.charAt(i) == ',') {
        i++;
        String key = token("=", ", ", true);
        expect('=', "tag '" + MetricJsonCodec.abbreviate(key) + "' has no '='");
        String value = token(",", "= ", true);
        if (key.isEmpty() || value.isEmpty()) {
          throw new LogFields.BadRecord("empty tag key or value");
        }
        tags.put(key, value);
      }
      skipSpaces();
      Map<String, Object> fields = new java.util.LinkedHashMap<>();
      do {
        if (i < s.length() && s.charAt(i) == ',') {
          i++;
        }
        String key = token("=", ", ", true);
        expect('=', "field '" + MetricJsonCodec.abbreviate(key) + "' has no '='");
        if (key.isEmpty()) {
          throw new LogFields.BadRecord("empty field key");
        }
        fields.put(key, fieldValue(key));
      } while (i < s.length() && s.charAt(i) == ',');
      if (fields.isEmpty()) {
        throw new LogFields.BadRecord("no fields");
      }
      skipSpaces();
      long millis = fallback;
      if (i < s.length()) {
        String ts = s.substring(i).strip();
        try {
          millis = MetricCodec.epochMillis(Long.parseLong(ts));
        } catch (NumberFormatException e) {
          throw new LogFields.BadRecord(
              "timestamp '" + MetricJsonCodec.abbreviate(ts) + "' is not an integer");
        }
      }
      TelegrafSeries.Layout layout = TelegrafSeries.layout(measurement, fields.keySet());
      for (Map.Entry<String, Object> f : fields.entrySet()) {
        TelegrafSeries.Series named = TelegrafSeries.series(layout, measurement, f.getKey());
        if (f.getValue() instanceof String) {
          errors.add(
              where
                  + "field '"
                  + MetricJsonCodec.abbreviate(f.getKey())
                  + "' is a string, not a number to score");
          continue;
        }
        try {
          MetricPoint p =
              MetricCodec.point(
                  settings,
                  named.metric(),
                  named.tags(tags),
                  millis,
                  ((Number) f.getValue()).doubleValue());
          points.add(named.cumulative() ? p.asCumulative() : p);
        } catch (LogFields.BadRecord e) {
          errors.add(where + e.getMessage());
        }
      }
    }

    /**
     * Reads up to the first unescaped character of {@code stops} (or, when {@code spaceStops}, a
     * space), resolving backslash escapes of those characters, of {@code extraEscapes} and of a
     * backslash.
     */
    private String token(String stops, String extraEscapes, boolean spaceStops) {
      StringBuilder b = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < s.length()) {
          char next = s.charAt(i + 1);
          if (stops.indexOf(next) >= 0 || extraEscapes.indexOf(next) >= 0 || next == '\\') {
            b.append(next);
            i += 2;
            continue;
          }
        }
        if (stops.indexOf(c) >= 0 || (spaceStops && c == ' ')) {
          break;
        }
        b.append(c);
        i++;
      }
      return b.toString();
    }

    private void expect(char c, String reason) throws LogFields.BadRecord {
      if (i >= s.length() || s.charAt(i) != c) {
        throw new LogFields.BadRecord(reason);
      }
      i++;
    }

    private void skipSpaces() {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
    }

    /** A Double, Long or Boolean-as-Double for numbers and booleans; a String for strings. */
    private Object fieldValue(String key) throws LogFields.BadRecord {
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        StringBuilder b = new StringBuilder();
        while (i < s.length() && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          b.append(s.charAt(i++));
        }
        expect('"', "field '" + MetricJsonCodec.abbreviate(key) + "' has an unclosed string");
        return b.toString();
      }
      int from = i;
      while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != ' ') {
        i++;
      }
      String v = s.substring(from, i);
      switch (v) {
        case "t", "T", "true", "True", "TRUE":
          return 1.0;
        case "f", "F", "false", "False", "FALSE":
          return 0.0;
        default:
          break;
      }
      try {
        if (v.endsWith("i")) {
          return (double) Long.parseLong(v.substring(0, v.length() - 1));
        }
        if (v.endsWith("u")) {
          long u = Long.parseUnsignedLong(v.substring(0, v.length() - 1));
          return Double.parseDouble(Long.toUnsignedString(u));
        }
        if (!FLOAT.matcher(v).matches()) {
          throw new NumberFormatException(v);
        }
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new LogFields.BadRecord(
            "field '"
                + MetricJsonCodec.abbreviate(key)
                + "' has no valid value: '"
                + MetricJsonCodec.abbreviate(v)
                + "'");
      }
    }
  }
}
