package io.vigil.jobs.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens PostgreSQL connections with the driver class itself rather than {@code DriverManager}: in a
 * TaskManager the job's classes come from a child-first user-code class loader, where {@code
 * DriverManager} only finds the PostgreSQL driver after some other operator of the same job
 * happened to load it (a control-plane poll that ran first failed with "No suitable driver").
 */
public final class Postgres {
  private Postgres() {}

  public static Connection connect(String url, String user, String password) throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    Connection c = new org.postgresql.Driver().connect(url, p);
    if (c == null) {
      throw new SQLException("not a PostgreSQL JDBC URL: " + url.replaceAll("\\?.*", ""));
    }
    return c;
  }
}
