package io.vigil.common.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical identity of a series: tenant, source, metric and tags sorted by key, rendered as
 * one string so it can key Flink state and seed deterministic ids.
 */
public final class SeriesKey {
  private static final char SEP = '\u001f';

  private SeriesKey() {}

  /** The canonical string of a series; tags are sorted so their order never matters. */
  public static String of(String tenant, String source, String metric, Map<String, String> tags) {
    StringBuilder b = new StringBuilder(64);
    b.append(tenant).append(SEP).append(source).append(SEP).append(metric);
    for (Map.Entry<String, String> e : new TreeMap<>(tags).entrySet()) {
      b.append(SEP).append(e.getKey()).append('=').append(e.getValue());
    }
    return b.toString();
  }

  /** A point of the series named by a canonical key (the inverse of {@link #of}). */
  public static MetricPoint point(String key, long timestamp, double value) {
    String[] parts = key.split(String.valueOf(SEP), -1);
    if (parts.length < 3) {
      throw new IllegalArgumentException("not a series key: " + key);
    }
    Map<String, String> tags = new TreeMap<>();
    for (int i = 3; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      tags.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
    }
    return new MetricPoint(parts[0], parts[1], parts[2], tags, timestamp, value);
  }

  /** A readable form for humans and logs: {@code tenant/source/metric{k=v,...}}. */
  public static String display(String key) {
    String[] parts = key.split(String.valueOf(SEP), -1);
    StringBuilder b = new StringBuilder();
    b.append(parts[0]).append('/').append(parts[1]).append('/').append(parts[2]);
    if (parts.length > 3) {
      b.append('{');
      for (int i = 3; i < parts.length; i++) {
        b.append(i > 3 ? "," : "").append(parts[i]);
      }
      b.append('}');
    }
    return b.toString();
  }
}
