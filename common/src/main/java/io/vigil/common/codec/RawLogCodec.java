package io.vigil.common.codec;

import io.vigil.common.codec.LogFields.BadRecord;
import io.vigil.common.logs.LogFormat;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.model.LogEvent;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes raw text lines (one or more per message) with a header format such as {@code <Date>
 * <Time> <Level> <Component>: <Content>} ({@link LogFormat}). {@code <Level>} or {@code <Severity>}
 * gives the severity, {@code <Tenant>} and {@code <Service>} override the defaults, {@code
 * <Timestamp>} or {@code <Date>} with {@code <Time>} the event time when they parse as ISO 8601
 * (UTC when without offset), else the Kafka record's time; the other fields become attributes named
 * in lower case. Never throws.
 */
public final class RawLogCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LogCodec.Settings settings;
  private transient LogFormat format;

  public RawLogCodec(LogCodec.Settings settings) {
    this.settings = settings;
  }

  /** Decodes one message; lines without a usable time get {@code fallbackTimestamp}. */
  public LogCodec.Result decode(byte[] message, long fallbackTimestamp) {
    List<LogEvent> events = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    String text = new String(message, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      return LogCodec.Result.error("raw log text is not valid UTF-8");
    }
    String[] lines = text.split("\r?\n");
    int n = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      n++;
      try {
        events.add(toEvent(lines[i], fallbackTimestamp));
      } catch (BadRecord e) {
        errors.add((lines.length > 1 ? "line " + (i + 1) + ": " : "") + e.getMessage());
      }
    }
    if (n == 0) {
      errors.add("empty message");
    }
    return new LogCodec.Result(events, errors);
  }

  private LogEvent toEvent(String line, long fallbackTimestamp) throws BadRecord {
    Map<String, String> fields =
        format()
            .split(line)
            .orElseThrow(
                () ->
                    new BadRecord(
                        "line does not fit logs.raw-format '"
                            + format().format()
                            + "': '"
                            + LogFields.abbreviate(line.strip())
                            + "'"));
    String content = fields.get(LogFormat.CONTENT);
    if (content.isBlank()) {
      throw new BadRecord("line has an empty message");
    }
    String level = LogLevels.UNSPECIFIED;
    String tenant = settings.defaultTenant();
    String service = settings.defaultService();
    Map<String, String> attributes = new TreeMap<>();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      switch (f.getKey()) {
        case LogFormat.CONTENT, "Date", "Time", "Timestamp" -> {}
        case "Level", "Severity" -> level = LogLevels.normalize(f.getValue());
        case "Tenant" -> tenant = f.getValue();
        case "Service" -> service = f.getValue();
        default -> attributes.put(f.getKey().toLowerCase(Locale.ROOT), f.getValue());
      }
    }
    return new LogEvent(
        LogFields.name("tenant", tenant),
        LogFields.name("service", service),
        LogFields.checkRange(time(fields, fallbackTimestamp), settings.limits()),
        level,
        content,
        attributes);
  }

  private static long time(Map<String, String> fields, long fallback) {
    Long t = null;
    if (fields.containsKey("Timestamp")) {
      t = LogFields.parseTime(fields.get("Timestamp"));
    } else if (fields.containsKey("Date") && fields.containsKey("Time")) {
      t = LogFields.parseTime(fields.get("Date") + "T" + fields.get("Time"));
    }
    return t == null ? fallback : t;
  }

  private LogFormat format() {
    if (format == null) {
      format = LogFormat.parse(settings.rawFormat());
    }
    return format;
  }
}
