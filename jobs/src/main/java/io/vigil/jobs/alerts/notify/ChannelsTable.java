package io.vigil.jobs.alerts.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the tenants' notification channels from PostgreSQL ({@code notification_channels}, active
 * rows). A row's {@code config} holds the same fields as a channel of the channels file ({@code
 * url} or {@code url_env}, {@code secret_env}, {@code user}, {@code from}, {@code to}); secrets are
 * referenced by environment variable name and resolved on the TaskManager, never stored in the
 * table. A row that can't be used is reported with its reason instead of failing the others.
 */
public final class ChannelsTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SELECT =
      "SELECT tenant, name, type, config::text FROM notification_channels"
          + " WHERE status = 'active' ORDER BY tenant, name";

  private ChannelsTable() {}

  /**
   * The active channels by {@link #key(String, String)}, and the rows that could not be used with
   * what is wrong with them (by the same key).
   */
  public record Loaded(Map<String, ChannelConfig> channels, Map<String, String> invalid) {
    public Loaded {
      channels = Map.copyOf(channels);
      invalid = Map.copyOf(invalid);
    }
  }

  /** The key of a tenant's channel: rules name channels, a tenant's own channel wins. */
  public static String key(String tenant, String name) {
    return tenant + "/" + name;
  }

  public static Loaded load(Connection c, Map<String, String> env) throws SQLException {
    Map<String, ChannelConfig> channels = new LinkedHashMap<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(SELECT);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String key = key(rs.getString(1), rs.getString(2));
        try {
          channels.put(key, channel(rs.getString(2), rs.getString(3), rs.getString(4), env));
        } catch (IllegalArgumentException | NullPointerException e) {
          invalid.put(key, e.getMessage());
        }
      }
    }
    return new Loaded(channels, invalid);
  }

  static ChannelConfig channel(String name, String type, String config, Map<String, String> env) {
    JsonNode fields;
    try {
      fields = config == null ? JSON.createObjectNode() : JSON.readTree(config);
    } catch (IOException e) {
      throw new IllegalArgumentException("config is not JSON");
    }
    if (!fields.isObject()) {
      throw new IllegalArgumentException("config must be a JSON object");
    }
    ObjectNode c = ((ObjectNode) fields).deepCopy();
    c.put("name", name);
    c.put("type", type);
    return ChannelsFile.channel(c, env);
  }
}
