package io.vigil.jobs.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what an integration-test run created on the local servers: the Kafka topics, InfluxDB
 * databases and PostgreSQL schemas that did not exist when the run started. Every test names its
 * resources after a random run id, so nothing is shared between runs, and without this the local
 * servers grew by about 1.8 GB of Kafka logs, plus InfluxDB and PostgreSQL data, per full run.
 *
 * <p>Only the integration-test JVM enables it ({@code vigil.test.cleanup=true} in failsafe's
 * configuration; failsafe runs every {@code *ITCase} in one JVM). Resources that existed before the
 * run (a demo's tables, a developer's topics) are never touched; what something else creates on
 * these servers while the run lasts is taken for the run's. Run with {@code
 * -Dvigil.test.keep-data=true} to keep a run's data for inspection; a run that is killed keeps its
 * data too, and the next run leaves it alone.
 */
public final class TestDataCleanup implements TestExecutionListener {
  private static final Logger LOG = LoggerFactory.getLogger(TestDataCleanup.class);
  private static final Set<String> PG_SYSTEM_SCHEMAS =
      Set.of("public", "information_schema", "pg_catalog", "pg_toast");

  private LocalServices services;
  private Resources before;

  @Override
  public void testPlanExecutionStarted(TestPlan plan) {
    if (!Boolean.getBoolean("vigil.test.cleanup") || !plan.containsTests()) {
      return;
    }
    services = LocalServices.get();
    before = Resources.of(services);
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    if (before == null) {
      return;
    }
    Resources created = Resources.of(services).minus(before);
    if (Boolean.getBoolean("vigil.test.keep-data")) {
      LOG.info("vigil.test.keep-data is set: keeping {}", created.summary());
      return;
    }
    created.drop(services);
    LOG.info("removed what the integration tests created: {}", created.summary());
  }

  /** Names of the resources on the three servers. */
  record Resources(Set<String> topics, Set<String> influxDatabases, Set<String> pgSchemas) {
    static Resources of(LocalServices s) {
      return new Resources(topics(s), influxDatabases(s), pgSchemas(s));
    }

    Resources minus(Resources earlier) {
      return new Resources(
          without(topics, earlier.topics),
          without(influxDatabases, earlier.influxDatabases),
          without(pgSchemas, earlier.pgSchemas));
    }

    String summary() {
      return topics.size()
          + " Kafka topics, "
          + influxDatabases.size()
          + " InfluxDB databases, "
          + pgSchemas.size()
          + " PostgreSQL schemas";
    }

    void drop(LocalServices s) {
      if (!topics.isEmpty()) {
        try (Admin admin = admin(s)) {
          admin.deleteTopics(topics).all().get(2, TimeUnit.MINUTES);
        } catch (Exception e) {
          throw new IllegalStateException("could not delete the test topics " + topics, e);
        }
      }
      if (!influxDatabases.isEmpty()) {
        try (InfluxDB influx = InfluxDBFactory.connect(s.influxUrl())) {
          for (String db : influxDatabases) {
            influx.query(new Query("DROP DATABASE \"" + db.replace("\"", "\\\"") + "\""));
          }
        }
      }
      if (!pgSchemas.isEmpty()) {
        try (Connection c = DriverManager.getConnection(s.pgUrl(), s.pgUser(), s.pgPassword());
            Statement st = c.createStatement()) {
          for (String schema : pgSchemas) {
            st.execute("DROP SCHEMA \"" + schema.replace("\"", "\"\"") + "\" CASCADE");
          }
        } catch (SQLException e) {
          throw new IllegalStateException("could not drop the test schemas " + pgSchemas, e);
        }
      }
    }

    private static Set<String> without(Set<String> all, Set<String> earlier) {
      Set<String> out = new TreeSet<>(all);
      out.removeAll(earlier);
      return out;
    }

    private static Admin admin(LocalServices s) {
      return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap()));
    }

    private static Set<String> topics(LocalServices s) {
      try (Admin admin = admin(s)) {
        return new TreeSet<>(
            admin.listTopics(new ListTopicsOptions()).names().get(1, TimeUnit.MINUTES));
      } catch (Exception e) {
        throw new IllegalStateException("could not list the Kafka topics", e);
      }
    }

    private static Set<String> influxDatabases(LocalServices s) {
      try (InfluxDB influx = InfluxDBFactory.connect(s.influxUrl())) {
        Set<String> out = new TreeSet<>();
        var result = influx.query(new Query("SHOW DATABASES")).getResults().get(0);
        if (result.getSeries() != null) {
          for (List<Object> row : result.getSeries().get(0).getValues()) {
            out.add(String.valueOf(row.get(0)));
          }
        }
        out.remove("_internal");
        return out;
      }
    }

    private static Set<String> pgSchemas(LocalServices s) {
      List<String> names = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(s.pgUrl(), s.pgUser(), s.pgPassword());
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%'")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      } catch (SQLException e) {
        throw new IllegalStateException("could not list the PostgreSQL schemas", e);
      }
      names.removeAll(PG_SYSTEM_SCHEMAS);
      return new TreeSet<>(names);
    }
  }
}
