package io.vigil.jobs.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcDriversTest {

  /** A job class loader of its own, as a TaskManager gives each job: the driver registers there. */
  @Test
  void deregistersTheDriverOfAJobClassLoaderOnce() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(new File(p).toURI().toURL());
    }
    try (URLClassLoader job =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Class.forName("org.postgresql.Driver", true, job);
      Method deregister =
          job.loadClass(JdbcDrivers.class.getName()).getDeclaredMethod("deregisterOwn");
      deregister.setAccessible(true);
      assertThat((int) deregister.invoke(null)).as("the job's driver").isEqualTo(1);
      assertThat((int) deregister.invoke(null)).as("nothing left to deregister").isZero();
    }
  }

  /** A MiniCluster runs jobs from the application class path: the JVM's driver must stay. */
  @Test
  void leavesTheApplicationClassLoadersDriverAlone() throws Exception {
    Class.forName("org.postgresql.Driver");
    assertThat(JdbcDrivers.deregisterOwn()).isZero();
    assertThat(DriverManager.getDriver("jdbc:postgresql://127.0.0.1/x")).isNotNull();
  }
}
