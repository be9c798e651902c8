package io.vigil.jobs.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes a dead letter as JSON: stage, reason, origin (topic, partition, offset, timestamp) and the
 * raw bytes, as text when they are valid UTF-8 (first 10,000 characters) and always as base64 (the
 * first 256 KiB, with {@code rawTruncated} and the whole message's {@code rawSha256} beyond that).
 */
public final class DeadLetterSerializationSchema implements SerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Raw bytes kept in a dead letter (base64 grows them by a third): with the text copy below 10,000
   * characters a dead letter stays well under Kafka's default 1 MB message limit.
   */
  static final int MAX_RAW_BYTES = 256 * 1024;

  @Override
  public byte[] serialize(DeadLetter d) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("stage", d.stage());
    n.put("reason", d.reason());
    n.put("topic", d.topic());
    n.put("partition", d.partition());
    n.put("offset", d.offset());
    n.put("kafkaTimestamp", d.kafkaTimestamp());
    byte[] raw = d.raw() == null ? new byte[0] : d.raw();
    n.put("rawBytes", raw.length);
    String text = utf8(raw);
    if (text != null) {
      n.put("raw", text.length() > 10_000 ? text.substring(0, 10_000) : text);
    }
    if (raw.length > MAX_RAW_BYTES) {
      // Whole, the record could exceed the broker's message size and fail the job forever.
      n.put("rawTruncated", true);
      n.put("rawSha256", sha256(raw));
      raw = Arrays.copyOf(raw, MAX_RAW_BYTES);
    }
    n.put("rawBase64", Base64.getEncoder().encodeToString(raw));
    try {
      return MAPPER.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static String sha256(byte[] raw) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String utf8(byte[] raw) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
