package io.vigil.common.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Checks shared by the log and metric decoders: names, timestamps, the JSON parser's limits. */
final class LogFields {
  static final int MAX_NAME_LENGTH = 256;
  static final int MAX_ATTRIBUTES = 64;
  static final int MAX_ATTRIBUTE_LENGTH = 4096;

  private LogFields() {}

  /** A record (or a part of one) that can't be used; its message is the reason. */
  static final class BadRecord extends Exception {
    BadRecord(String reason) {
      super(reason, null, false, false);
    }
  }

  static ObjectMapper mapper(MetricJsonCodec.Limits limits) {
    JsonMapper m =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    m.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxStringLength(limits.maxMessageBytes())
                .maxNumberLength(64)
                .build());
    return m;
  }

  /** The message's JSON tree; a parse failure is a reason starting "invalid JSON". */
  static JsonNode readTree(ObjectMapper mapper, byte[] message) throws BadRecord {
    try {
      return mapper.readTree(message);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRecord("invalid JSON: " + firstLine(e.getOriginalMessage()));
    } catch (java.io.IOException | RuntimeException e) {
      throw new BadRecord("invalid JSON: " + firstLine(e.getMessage()));
    }
  }

  /** A tenant or service name: 1..256 characters after trimming. */
  static String name(String field, String value) throws BadRecord {
    String s = value.trim();
    if (s.isEmpty() || s.length() > MAX_NAME_LENGTH) {
      throw new BadRecord("field '" + field + "' must have 1.." + MAX_NAME_LENGTH + " characters");
    }
    return s;
  }

  /** An optional text field: null when absent, a reason when not a string. */
  static String optionalText(JsonNode n, String field) throws BadRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadRecord("field '" + field + "' must be a string");
    }
    return v.textValue();
  }

  static long checkRange(long millis, MetricJsonCodec.Limits limits) throws BadRecord {
    if (millis < limits.minTimestampMillis() || millis >= limits.maxTimestampMillis()) {
      throw new BadRecord(
          "timestamp "
              + millis
              + " outside the accepted range ["
              + Instant.ofEpochMilli(limits.minTimestampMillis())
              + ", "
              + Instant.ofEpochMilli(limits.maxTimestampMillis())
              + ")");
    }
    return millis;
  }

  /** RFC 3339 with an offset, or a local ISO date-time taken as UTC; null when neither. */
  static Long parseTime(String s) {
    String t = s.trim().replace(',', '.');
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      // fall through to a local date-time
    }
    try {
      return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  static String abbreviate(String s) {
    return MetricJsonCodec.abbreviate(s);
  }

  static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return abbreviate(nl < 0 ? s : s.substring(0, nl));
  }
}
