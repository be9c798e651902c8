package io.vigil.common.detect.bench;

import java.util.Map;
import java.util.TreeMap;

/** The {@code name=value} hyperparameter overrides the synthetic benches take as arguments. */
final class Overrides {
  private Overrides() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> overrides = new TreeMap<>();
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected name=value, got '" + a + "'");
      }
      overrides.put(kv[0], kv[1]);
    }
    return overrides;
  }
}
