package io.vigil.common.logs;

import com.dynatrace.hash4j.hashing.HashStream64;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * Content-derived, stable 64-bit ids: XXH3 (whose output hash4j keeps stable across releases) of
 * the scope and the template's tokens when it was created. Nothing depends on insertion counters,
 * JVM hash codes or parallelism, so the same history gives the same ids after a restart or a
 * rescale.
 */
public final class TemplateIds {

  private static final long SEED = 0x5669_6769_6C4C_6F67L; // "VigilLog"

  private TemplateIds() {}

  /** The id of a template created from {@code tokens} in {@code scope}, salted on a collision. */
  public static long templateId(String scope, String[] tokens, int salt) {
    HashStream64 h = Hashing.xxh3_64(SEED).hashStream();
    h.putString(scope);
    h.putInt(tokens.length);
    for (String t : tokens) {
      h.putString(t);
    }
    h.putInt(salt);
    return h.getAsLong();
  }

  /**
   * A 64-bit hash of {@code parts}, each length-prefixed so that ("ab","c") differs from
   * ("a","bc").
   */
  public static long hash(String... parts) {
    HashStream64 h = Hashing.xxh3_64(SEED).hashStream();
    h.putInt(parts.length);
    for (String p : parts) {
      h.putString(p);
    }
    return h.getAsLong();
  }

  /** Sixteen lower-case hex digits. */
  public static String toHex(long id) {
    String s = Long.toHexString(id);
    return "0".repeat(16 - s.length()) + s;
  }
}
