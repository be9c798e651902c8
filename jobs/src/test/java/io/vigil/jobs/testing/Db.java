package io.vigil.jobs.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** One-value queries and polling with a deadline, for integration tests against PostgreSQL. */
public final class Db {
  private Db() {}

  /** The first column of the first row as a number. */
  public static long count(Connection db, String sql) {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of the first row as text, null without rows. */
  public static String text(Connection db, String sql) {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} every 200 ms until it holds; fails after {@code deadline}. */
  public static void await(BooleanSupplier condition, Duration deadline, String what)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }
}
