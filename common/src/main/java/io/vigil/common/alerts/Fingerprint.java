package io.vigil.common.alerts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Deterministic ids: alert fingerprints, alert row ids and notification idempotency keys. */
public final class Fingerprint {
  private Fingerprint() {}

  /** 16 hex chars of SHA-256 over the rule id and the sorted group labels (like Alertmanager). */
  public static String of(String ruleId, Map<String, String> labels) {
    StringBuilder b = new StringBuilder(ruleId);
    for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
      b.append('\u001f').append(e.getKey()).append('=').append(e.getValue());
    }
    return sha256Hex(b.toString()).substring(0, 16);
  }

  /**
   * The {@code alerts.id} of one alert episode: the same fingerprint and start give the same id.
   */
  public static UUID alertId(String fingerprint, long startsAt) {
    return UUID.nameUUIDFromBytes(
        ("alert|" + fingerprint + "|" + startsAt).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The idempotency key of one notification: fingerprint, transition and the episode start (plus a
   * sequence number for repeats), so a replay after recovery yields the same key.
   */
  public static String idempotencyKey(String fingerprint, String transition, long startsAt) {
    return sha256Hex(fingerprint + "|" + transition + "|" + startsAt).substring(0, 32);
  }

  public static String sha256Hex(String s) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
