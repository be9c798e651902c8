package io.vigil.common.detect;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/** Stable short digests of hyperparameters, so a model version changes when they do. */
public final class Versions {
  private Versions() {}

  /** Eight hex digits that depend only on the keys and values of {@code hyperparameters}. */
  public static String digest(Map<String, Object> hyperparameters) {
    CRC32 crc = new CRC32();
    crc.update(
        new java.util.TreeMap<>(hyperparameters).toString().getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }
}
