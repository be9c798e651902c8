package io.vigil.common.alerts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of webhook bodies: {@code sha256=<hex>} over {@code <timestamp>.<body>},
 * sent in {@code X-Vigil-Signature} with the timestamp in {@code X-Vigil-Timestamp} so receivers
 * can reject replays.
 */
public final class WebhookSignature {
  public static final String SIGNATURE_HEADER = "X-Vigil-Signature";
  public static final String TIMESTAMP_HEADER = "X-Vigil-Timestamp";
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private WebhookSignature() {}

  public static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sig = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
    }
  }

  /** Constant-time check of a received signature. */
  public static boolean verify(String secret, String timestamp, String body, String signature) {
    byte[] want = sign(secret, timestamp, body).getBytes(StandardCharsets.UTF_8);
    byte[] got = signature == null ? new byte[0] : signature.getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(want, got);
  }
}
