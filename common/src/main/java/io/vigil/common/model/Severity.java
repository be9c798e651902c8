package io.vigil.common.model;

import java.util.Locale;

/** How bad an anomaly or alert is; stored lower-case in PostgreSQL. */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The lower-case name used in the database and in JSON. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code low|medium|high|critical}, case-insensitive. */
  public static Severity parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
