package io.vigil.common.codec;

import io.vigil.common.model.LogEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a log message in whichever form it came: Vigil's JSON lines ({@link LogJsonCodec}), an
 * OpenTelemetry Collector ExportLogsServiceRequest in {@code otlp_json} ({@link OtlpLogsCodec}) or
 * {@code otlp_proto} ({@link OtlpProtobuf}), or raw text lines with a header format ({@link
 * RawLogCodec}). Never throws: every problem becomes a reason string, so the caller can route the
 * record to a dead-letter topic.
 */
public final class LogCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * What a message decoded into: the good events, one reason per bad part, and the form the message
   * was taken for (null when it was not recognised at all: empty, oversized).
   */
  public record Result(List<LogEvent> events, List<String> errors, WireFormat format) {
    public Result(List<LogEvent> events, List<String> errors) {
      this(events, errors, null);
    }

    /** The same events and errors, taken for {@code f}. */
    public Result as(WireFormat f) {
      return new Result(events, errors, f);
    }

    static Result error(String reason) {
      List<String> e = new ArrayList<>(1);
      e.add(reason);
      return new Result(new ArrayList<>(), e);
    }
  }

  /** Which decoder handles a message. */
  public enum Input {
    /** JSON objects go to the OTLP or JSON decoder (by their keys), anything else is raw text. */
    AUTO,
    JSON,
    OTLP,
    RAW
  }

  /**
   * How to decode.
   *
   * @param limits message size and accepted timestamp range
   * @param input which decoder, or AUTO
   * @param rawFormat header format of raw lines, such as {@code <Date> <Time> <Level>: <Content>}
   * @param defaultTenant tenant of records that name none (raw lines, OTLP without a tenant)
   * @param defaultService service of records that name none
   */
  public record Settings(
      MetricJsonCodec.Limits limits,
      Input input,
      String rawFormat,
      String defaultTenant,
      String defaultService)
      implements Serializable {
    /** Defaults: AUTO, every raw line is all content, tenant "default", service "unknown". */
    public static Settings defaults() {
      return new Settings(
          MetricJsonCodec.Limits.defaults(), Input.AUTO, "<Content>", "default", "unknown");
    }
  }

  private final Settings settings;
  private final LogJsonCodec json;
  private final OtlpLogsCodec otlp;
  private final RawLogCodec raw;

  public LogCodec(Settings settings) {
    this.settings = settings;
    this.json = new LogJsonCodec(settings);
    this.otlp = new OtlpLogsCodec(settings);
    this.raw = new RawLogCodec(settings);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Decodes one message; {@code fallbackTimestamp} (the Kafka record's time) dates raw lines whose
   * header has no parseable time. Never throws.
   */
  public Result decode(byte[] message, long fallbackTimestamp) {
    try {
      if (message == null || message.length == 0) {
        return Result.error("empty message");
      }
      if (message.length > settings.limits().maxMessageBytes()) {
        return Result.error(
            "oversized message: "
                + message.length
                + " bytes > "
                + settings.limits().maxMessageBytes());
      }
      return admitted(
          switch (settings.input()) {
            case JSON -> json.decode(message).as(WireFormat.VIGIL_JSON);
            case OTLP -> otlp(message);
            case RAW -> raw.decode(message, fallbackTimestamp).as(WireFormat.RAW_LINES);
            case AUTO -> auto(message, fallbackTimestamp);
          });
    } catch (RuntimeException e) {
      // a bug must not stop the job on one record: the record goes to the dead letters with it
      return Result.error("decoder failure: " + e);
    }
  }

  /**
   * Moves events of tenants outside {@code limits.tenants()} (when that allow-list is set) to the
   * errors, one reason per rejected event.
   */
  private Result admitted(Result r) {
    java.util.Set<String> allowed = settings.limits().tenants();
    if (allowed.isEmpty() || r.events().stream().allMatch(e -> allowed.contains(e.tenant()))) {
      return r;
    }
    List<LogEvent> events = new ArrayList<>();
    List<String> errors = new ArrayList<>(r.errors());
    for (LogEvent e : r.events()) {
      if (allowed.contains(e.tenant())) {
        events.add(e);
      } else {
        errors.add("unknown tenant '" + LogFields.abbreviate(e.tenant()) + "'");
      }
    }
    return new Result(events, errors, r.format());
  }

  /** OTLP logs in JSON, or in protobuf (otlp_proto) read as the JSON it stands for. */
  private Result otlp(byte[] message) {
    if (!MetricCodec.looksBinary(message)) {
      return otlp.decode(message).as(WireFormat.OTLP_JSON);
    }
    byte[] json = OtlpProtobuf.logs(message);
    return json == null
        ? Result.error(MetricCodec.BINARY)
        : otlp.decode(json).as(WireFormat.OTLP_PROTO);
  }

  private Result auto(byte[] message, long fallbackTimestamp) {
    int i = 0;
    while (i < message.length && Character.isWhitespace(message[i])) {
      i++;
    }
    if (i == message.length) {
      return Result.error("empty message");
    }
    if (MetricCodec.looksBinary(message)) {
      return otlp(message);
    }
    if (message[i] != '{' && message[i] != '[') {
      return raw.decode(message, fallbackTimestamp).as(WireFormat.RAW_LINES);
    }
    return OtlpLogsCodec.looksLikeOtlp(message)
        ? otlp.decode(message).as(WireFormat.OTLP_JSON)
        : json.decode(message).as(WireFormat.VIGIL_JSON);
  }
}
