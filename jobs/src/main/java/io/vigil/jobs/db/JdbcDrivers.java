package io.vigil.jobs.db;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a finished or restarted job from pinning its class loader on the TaskManagers. The
 * PostgreSQL driver registers itself with {@link DriverManager} when its class loads (a JDBC sink
 * or a control-plane poll), and DriverManager lives in the JVM's own class loader: without a
 * deregistration, every submission or failover of the job leaves one user-code class loader (about
 * 23 MB of metaspace with this jar) reachable, and a TaskManager died of "OutOfMemoryError:
 * Metaspace" after about ten jobs in the cluster test.
 */
public final class JdbcDrivers {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcDrivers.class);
  static final String HOOK = "vigil-deregister-jdbc-drivers";

  private JdbcDrivers() {}

  /** Deregisters this job's JDBC drivers when Flink releases the job's class loader. */
  public static void deregisterOnRelease(RuntimeContext context) {
    context.registerUserCodeClassLoaderReleaseHookIfAbsent(HOOK, JdbcDrivers::deregisterOwn);
  }

  /**
   * Deregisters the drivers loaded by this class's loader, unless that is the JVM's application
   * class loader (a MiniCluster or a test runs the job from the classpath: the driver stays).
   */
  static int deregisterOwn() {
    ClassLoader own = JdbcDrivers.class.getClassLoader();
    if (own == ClassLoader.getSystemClassLoader() || own == ClassLoader.getPlatformClassLoader()) {
      return 0;
    }
    int n = 0;
    for (Driver d : Collections.list(DriverManager.getDrivers())) {
      if (d.getClass().getClassLoader() == own) {
        try {
          DriverManager.deregisterDriver(d);
          n++;
        } catch (SQLException | SecurityException e) {
          LOG.warn("Could not deregister JDBC driver {}", d.getClass().getName(), e);
        }
      }
    }
    LOG.info("Deregistered {} JDBC driver(s) of the released job class loader", n);
    return n;
  }
}
