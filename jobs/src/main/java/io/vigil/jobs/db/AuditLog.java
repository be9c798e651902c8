package io.vigil.jobs.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * Writes {@code audit_log}: who changed Vigil's control data from the command line (rules seeded, a
 * backtest recorded for a model, feature windows pruned, migrations applied), when, and what. The
 * actor is {@code VIGIL_ACTOR} when set (a CI job names itself), else the operating-system user.
 * Details never hold secrets: names and counts only.
 */
public final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditLog() {}

  /** Who is acting: {@code VIGIL_ACTOR}, else the operating-system user. */
  public static String actor(Map<String, String> env) {
    String a = env.getOrDefault("VIGIL_ACTOR", "").trim();
    return a.isEmpty() ? "os:" + System.getProperty("user.name", "unknown") : a;
  }

  /** Appends one entry. */
  public static void write(
      Connection c,
      String actor,
      String action,
      String resourceType,
      String resourceId,
      Map<String, ?> details)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO audit_log (actor, action, resource_type, resource_id, details)"
                + " VALUES (?, ?, ?, ?, ?::jsonb)")) {
      st.setString(1, truncate(actor, 200));
      st.setString(2, truncate(action, 50));
      st.setString(3, resourceType == null ? null : truncate(resourceType, 50));
      st.setString(4, resourceId == null ? null : truncate(resourceId, 200));
      st.setString(5, JSON.writeValueAsString(details));
      st.executeUpdate();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("audit details must be JSON-serializable", e);
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
