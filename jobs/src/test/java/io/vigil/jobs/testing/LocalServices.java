package io.vigil.jobs.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Kafka, PostgreSQL and InfluxDB servers of the integration tests. When the {@code
 * VIGIL_*} variables are set (the test command starts the servers first) they are used; otherwise
 * {@code docker/services.sh start} is run once per JVM and its {@code export} lines are read.
 */
public final class LocalServices {
  private static LocalServices instance;
  private final Map<String, String> env;

  private LocalServices(Map<String, String> env) {
    this.env = env;
  }

  /** The running servers, started on first use. */
  public static synchronized LocalServices get() {
    if (instance == null) {
      Map<String, String> vars = new HashMap<>();
      System.getenv()
          .forEach(
              (k, v) -> {
                if (k.startsWith("VIGIL_")) {
                  vars.put(k, v);
                }
              });
      if (!vars.containsKey("VIGIL_KAFKA_BOOTSTRAP")
          || !vars.containsKey("VIGIL_PG_URL")
          || !vars.containsKey("VIGIL_INFLUX_URL")) {
        vars.putAll(start());
      }
      instance = new LocalServices(vars);
    }
    return instance;
  }

  private static Map<String, String> start() {
    Path script = repositoryRoot().resolve("docker/services.sh");
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString(), "start", "kafka", "postgres", "influxdb")
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> vars = new HashMap<>();
    try {
      Process p = pb.start();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("export ")) {
            String kv = line.substring("export ".length());
            int eq = kv.indexOf('=');
            vars.put(kv.substring(0, eq), unquote(kv.substring(eq + 1)));
          }
        }
      }
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("docker/services.sh start failed: see its output above");
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return vars;
  }

  /**
   * Runs {@code docker/services.sh stop|start SERVICE} (kafka, postgres or influxdb): the server
   * comes back on the same port with the same data, as after an outage or a host restart.
   */
  public void control(String command, String service) {
    Path script = repositoryRoot().resolve("docker/services.sh");
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString(), command, service)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(
            "docker/services.sh " + command + " " + service + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String unquote(String v) {
    if (v.length() >= 2
        && ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith("\"") && v.endsWith("\"")))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  /** The repository root: the nearest parent holding docker/services.sh. */
  public static Path repositoryRoot() {
    File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
    while (dir != null) {
      if (Files.exists(dir.toPath().resolve("docker/services.sh"))) {
        return dir.toPath();
      }
      dir = dir.getParentFile();
    }
    throw new IllegalStateException(
        "docker/services.sh not found above " + System.getProperty("user.dir"));
  }

  public String kafkaBootstrap() {
    return env.get("VIGIL_KAFKA_BOOTSTRAP");
  }

  public String pgUrl() {
    return env.get("VIGIL_PG_URL");
  }

  public String pgUser() {
    return env.get("VIGIL_PG_USER");
  }

  public String pgPassword() {
    return env.get("VIGIL_PG_PASSWORD");
  }

  public String influxUrl() {
    return env.get("VIGIL_INFLUX_URL");
  }

  /** A JDBC URL whose default schema is {@code schema}, so each test gets fresh tables. */
  public String pgUrlWithSchema(String schema) {
    return pgUrl() + (pgUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }
}
