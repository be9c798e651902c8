package io.vigil.jobs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.jobs.testing.LocalServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.FileUtils;

/**
 * A standalone Flink session cluster run by {@code docker/flink-cluster.sh} (separate JobManager
 * and TaskManager JVMs), driven the way an operator drives one: the script to start and kill
 * processes, Flink's CLI to submit, the REST API to watch jobs and take savepoints.
 */
final class FlinkCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
  private static final Pattern TM_ID = Pattern.compile("tm-(\\d+)-\\d+");
  private static final Pattern TM_STOPPED = Pattern.compile("taskmanager (\\d+) stopped");

  private final Path script;
  private final Map<String, String> env;
  private final boolean stopOnClose;
  // what this object's jobs wrote under the cluster's state directory, removed by close()
  private final List<String> jobIds = new ArrayList<>();
  private final List<String> savepoints = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private FlinkCluster(Path script, Map<String, String> env, boolean stopOnClose) {
    this.script = script;
    this.env = env;
    this.stopOnClose = stopOnClose;
  }

  /**
   * Starts the cluster, or reuses one already running from the same state dir ({@code
   * VIGIL_FLINK_DIR}); a cluster this call started is stopped by {@link #close()}.
   */
  static FlinkCluster start(int taskManagers) {
    return start(taskManagers, false);
  }

  private static FlinkCluster start(int taskManagers, boolean ha) {
    Path script = LocalServices.repositoryRoot().resolve("docker/flink-cluster.sh");
    boolean wasRunning =
        run(List.of("bash", script.toString(), "status"), Duration.ofMinutes(1)).ok();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "bash",
                script.toString(),
                "start",
                "--taskmanagers",
                String.valueOf(taskManagers)));
    if (ha) {
      cmd.add("--ha");
    }
    Result r = run(cmd, Duration.ofMinutes(10));
    if (!r.ok()) {
      throw new IllegalStateException("flink-cluster.sh start failed:\n" + r.output());
    }
    return new FlinkCluster(script, exports(r.stdout()), !wasRunning);
  }

  private static Map<String, String> exports(String stdout) {
    Map<String, String> env = new HashMap<>();
    for (String line : stdout.split("\n")) {
      if (line.startsWith("export ")) {
        String kv = line.substring("export ".length());
        int eq = kv.indexOf('=');
        env.put(kv.substring(0, eq), kv.substring(eq + 1).replace("'", ""));
      }
    }
    return env;
  }

  /**
   * Starts a fresh Prometheus server (empty storage, so it knows only the jobs that run from now
   * on) that scrapes this cluster every second and evaluates Vigil's health rules ({@code
   * flink-cluster.sh start --prometheus}); {@link #close()} stops it with the cluster, or {@code
   * flink-cluster.sh stop} does.
   */
  void startPrometheus() {
    Result stop = run(List.of("bash", script.toString(), "stop-prometheus"), Duration.ofMinutes(1));
    if (!stop.ok()) {
      throw new IllegalStateException("flink-cluster.sh stop-prometheus failed:\n" + stop.output());
    }
    Result r =
        run(
            List.of("bash", script.toString(), "start", "--prometheus"),
            Map.of("VIGIL_PROMETHEUS_INTERVAL", "1s"),
            Duration.ofMinutes(5));
    if (!r.ok()) {
      throw new IllegalStateException("flink-cluster.sh start --prometheus failed:\n" + r.output());
    }
    env.putAll(exports(r.stdout()));
  }

  /**
   * Stops this cluster and starts one with JobManager high availability (ZooKeeper, {@code
   * flink-cluster.sh start --ha}) in its place, stopped by {@link #close()}.
   */
  FlinkCluster restartWithHighAvailability(int taskManagers) {
    Result r = run(List.of("bash", script.toString(), "stop"), Duration.ofMinutes(2));
    if (!r.ok()) {
      throw new IllegalStateException("flink-cluster.sh stop failed:\n" + r.output());
    }
    FlinkCluster ha = start(taskManagers, true);
    if (!"true".equals(ha.env.get("VIGIL_FLINK_HA"))) {
      throw new IllegalStateException(
          "the cluster did not start with high availability: " + ha.env);
    }
    ha.jobIds.addAll(jobIds);
    ha.savepoints.addAll(savepoints);
    return ha;
  }

  /** SIGKILLs the JobManager. */
  void killJobManager() {
    Result r = run(List.of("bash", script.toString(), "kill-jm"), Duration.ofMinutes(1));
    if (!r.ok()) {
      throw new IllegalStateException("kill-jm failed:\n" + r.output());
    }
  }

  /** Starts the JobManager again and returns once its REST endpoint answers. */
  void startJobManager() {
    Result r = run(List.of("bash", script.toString(), "start-jm"), Duration.ofMinutes(5));
    if (!r.ok()) {
      throw new IllegalStateException("start-jm failed:\n" + r.output());
    }
  }

  String rest() {
    return env.get("VIGIL_FLINK_REST");
  }

  /** Where the cluster writes savepoints (a file:// URI). */
  String savepointDir() {
    return env.get("VIGIL_FLINK_SAVEPOINTS");
  }

  /**
   * Submits a jar with {@code flink run -d} (Flink's CLI in its own JVM, like bin/flink) and
   * returns the job id. {@code savepoint} may be null. {@code extraEnv} reaches the CLI process,
   * which runs the job's main method: secrets travel there, not on the command line.
   */
  String submit(
      Path jar,
      String mainClass,
      int parallelism,
      String savepoint,
      List<String> programArgs,
      Map<String, String> extraEnv) {
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), "flink", "run", "-d"));
    cmd.addAll(List.of("-p", String.valueOf(parallelism), "-c", mainClass));
    if (savepoint != null) {
      cmd.addAll(List.of("-s", savepoint));
    }
    cmd.add(jar.toString());
    cmd.addAll(programArgs);
    Result r = run(cmd, extraEnv, Duration.ofMinutes(5));
    Matcher m = JOB_ID.matcher(r.stdout());
    if (!r.ok() || !m.find()) {
      throw new IllegalStateException("flink run failed (exit " + r.exit() + "):\n" + r.output());
    }
    jobIds.add(m.group(1));
    return m.group(1);
  }

  void killTaskManager(int i) {
    Result r =
        run(
            List.of("bash", script.toString(), "kill-tm", String.valueOf(i)),
            Duration.ofMinutes(1));
    if (!r.ok()) {
      throw new IllegalStateException("kill-tm " + i + " failed:\n" + r.output());
    }
  }

  /**
   * Starts again every TaskManager whose process is gone, as the supervisor of a real deployment
   * (systemd, Kubernetes) would, and returns their numbers. A TaskManager can exit on its own:
   * Flink treats an exception in a task's failure handler as fatal, and one was seen when the other
   * TaskManager was SIGKILLed during an exchange ("FATAL - exception in exception handler of task
   * ... Lost connection to task manager"), which left the next tests with one TaskManager.
   */
  List<Integer> restartDeadTaskManagers() {
    Result r = run(List.of("bash", script.toString(), "status"), Duration.ofMinutes(1));
    List<Integer> dead = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      Matcher m = TM_STOPPED.matcher(line.trim());
      if (m.matches()) {
        dead.add(Integer.parseInt(m.group(1)));
      }
    }
    for (int i : dead) {
      startTaskManager(i);
    }
    return dead;
  }

  /**
   * A supervisor for the duration of a run: every 3 s, starts again any TaskManager whose process
   * is gone ({@link #restartDeadTaskManagers()}), as systemd or Kubernetes would. A TaskManager
   * that exits on its own while its peer is being killed (see there) otherwise leaves the job
   * without slots until the next test. Closing it stops the checks; {@link Supervisor#restarted()}
   * lists what it started.
   */
  Supervisor supervise() {
    return new Supervisor();
  }

  final class Supervisor implements AutoCloseable {
    private final List<Integer> restarted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stop;
    private final Thread thread =
        new Thread(
            () -> {
              while (!stop) {
                try {
                  Thread.sleep(3_000);
                  if (!stop) {
                    restarted.addAll(restartDeadTaskManagers());
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  // a failed check is retried at the next tick
                }
              }
            },
            "taskmanager-supervisor");

    private Supervisor() {
      thread.setDaemon(true);
      thread.start();
    }

    List<Integer> restarted() {
      return List.copyOf(restarted);
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.interrupt();
      thread.join(60_000);
    }
  }

  /** Starts TaskManager i again and returns once it is registered. */
  void startTaskManager(int i) {
    Result r =
        run(
            List.of("bash", script.toString(), "start-tm", String.valueOf(i)),
            Duration.ofMinutes(5));
    if (!r.ok()) {
      throw new IllegalStateException("start-tm " + i + " failed:\n" + r.output());
    }
  }

  JsonNode job(String jobId) {
    return get("/jobs/" + jobId);
  }

  String state(String jobId) {
    return job(jobId).path("state").asText();
  }

  /** True when the job is RUNNING and every subtask of every vertex is RUNNING. */
  boolean allTasksRunning(String jobId) {
    JsonNode j = job(jobId);
    if (!"RUNNING".equals(j.path("state").asText())) {
      return false;
    }
    for (JsonNode v : j.path("vertices")) {
      // a bounded side input (the alert rules read once) has finished: that is not a failure
      String status = v.path("status").asText();
      if (!"RUNNING".equals(status) && !"FINISHED".equals(status)) {
        return false;
      }
    }
    return true;
  }

  /** Numbers of the TaskManagers (as in {@code kill-tm I}) running subtasks of the job. */
  Set<Integer> taskManagersOf(String jobId) {
    Set<Integer> out = new TreeSet<>();
    for (JsonNode v : job(jobId).path("vertices")) {
      JsonNode detail = get("/jobs/" + jobId + "/vertices/" + v.path("id").asText());
      for (JsonNode st : detail.path("subtasks")) {
        Matcher m = TM_ID.matcher(st.path("taskmanager-id").asText());
        if ("RUNNING".equals(st.path("status").asText()) && m.matches()) {
          out.add(Integer.parseInt(m.group(1)));
        }
      }
    }
    return out;
  }

  /**
   * One JVM metric of every registered TaskManager (e.g. Status.JVM.Memory.Metaspace.Used). The
   * REST API fetches metrics lazily: the first answers can be empty, so this polls up to 30 s.
   */
  Map<String, String> taskManagerMetric(String metric) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, String> out = new java.util.TreeMap<>();
    while (true) {
      int taskManagers = 0;
      for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
        taskManagers++;
        String id = tm.path("id").asText();
        for (JsonNode m : get("/taskmanagers/" + id + "/metrics?get=" + metric)) {
          out.put(id, m.path("value").asText());
        }
      }
      if (out.size() == taskManagers || System.nanoTime() > end) {
        return out;
      }
      Thread.sleep(1_000);
    }
  }

  /** The job's checkpoint statistics: counts.completed, counts.restored, latest.restored... */
  JsonNode checkpoints(String jobId) {
    return get("/jobs/" + jobId + "/checkpoints");
  }

  /** Polls the job until {@code done} holds, failing with the job's exceptions at the deadline. */
  JsonNode await(String jobId, String what, Predicate<String> done, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      String state = state(jobId);
      if (done.test(state)) {
        return job(jobId);
      }
      if (Set.of("FAILED", "CANCELED").contains(state)) {
        throw new AssertionError(
            "job " + jobId + " " + state + " while waiting for " + what + exceptions(jobId));
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no " + what + " of job " + jobId + " within " + timeout + exceptions(jobId));
  }

  String awaitTerminal(String jobId, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      String state = state(jobId);
      if (Set.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
        return state;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "job " + jobId + " did not finish within " + timeout + exceptions(jobId));
  }

  String exceptions(String jobId) {
    JsonNode entries =
        get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
    StringBuilder sb = new StringBuilder();
    for (JsonNode e : entries) {
      String trace = e.path("stacktrace").asText();
      sb.append("\n--- ").append(trace, 0, Math.min(trace.length(), 3000));
    }
    return sb.toString();
  }

  /**
   * Stop-with-savepoint through the REST API (sources stop without draining); returns the
   * savepoint's location once it completed.
   */
  String stopWithSavepoint(String jobId, Duration timeout) throws InterruptedException {
    String body = "{\"targetDirectory\":\"" + savepointDir() + "\",\"drain\":false}";
    String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(s.path("status").path("id").asText())) {
        JsonNode op = s.path("operation");
        if (op.has("failure-cause")) {
          throw new AssertionError("savepoint failed: " + op.path("failure-cause"));
        }
        savepoints.add(op.path("location").asText());
        return op.path("location").asText();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("savepoint of " + jobId + " not done within " + timeout);
  }

  /**
   * What the cluster's processes serve to Prometheus right now (Flink's Prometheus reporter, one
   * port of {@code VIGIL_FLINK_PROMETHEUS_PORTS} per process), concatenated; ports nobody listens
   * on are skipped.
   */
  String prometheusMetrics() throws InterruptedException {
    String range = env.get("VIGIL_FLINK_PROMETHEUS_PORTS");
    if (range == null || !range.matches("\\d+-\\d+")) {
      throw new IllegalStateException(
          "the cluster serves no Prometheus metrics ("
              + range
              + "): stop it, the next start"
              + " configures the reporter");
    }
    String[] bounds = range.split("-");
    StringBuilder all = new StringBuilder();
    for (int port = Integer.parseInt(bounds[0]); port <= Integer.parseInt(bounds[1]); port++) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          all.append(r.body()).append('\n');
        }
      } catch (IOException e) {
        // no process on this port of the range
      }
    }
    return all.toString();
  }

  /**
   * The alerting rules the cluster's Prometheus server evaluates (its {@code /api/v1/rules}), by
   * name: each with its {@code state}, {@code health}, {@code lastError} and active {@code alerts}.
   */
  Map<String, JsonNode> prometheusRules() throws InterruptedException {
    Map<String, JsonNode> rules = new TreeMap<>();
    for (JsonNode group : prometheusApi("/api/v1/rules?type=alert").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        rules.put(rule.path("name").asText(), rule);
      }
    }
    return rules;
  }

  /** The cluster's Prometheus server evaluates {@code promql} now: each value by its job_name. */
  Map<String, Double> prometheusQuery(String promql) throws InterruptedException {
    Map<String, Double> values = new TreeMap<>();
    String path =
        "/api/v1/query?query=" + java.net.URLEncoder.encode(promql, StandardCharsets.UTF_8);
    for (JsonNode sample : prometheusApi(path).path("result")) {
      values.put(
          sample.path("metric").path("job_name").asText(),
          Double.parseDouble(sample.path("value").path(1).asText()));
    }
    return values;
  }

  private JsonNode prometheusApi(String path) throws InterruptedException {
    String url = env.get("VIGIL_PROMETHEUS_URL");
    if (url == null) {
      throw new IllegalStateException("no Prometheus server: startPrometheus() starts one");
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + path))
                  .timeout(Duration.ofSeconds(10))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "Prometheus answered " + r.statusCode() + " to " + path + ": " + r.body());
      }
      return JSON.readTree(r.body()).path("data");
    } catch (IOException e) {
      throw new IllegalStateException("Prometheus at " + url + " did not answer", e);
    }
  }

  void cancel(String jobId) {
    try {
      http.send(
          HttpRequest.newBuilder(URI.create(rest() + "/jobs/" + jobId + "?mode=cancel"))
              .method("PATCH", HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // best effort, at clean-up
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(rest() + path)).GET().build());
  }

  private JsonNode post(String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(rest() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private JsonNode send(HttpRequest request) {
    IOException last = null;
    // The REST endpoint answers within milliseconds normally; a loaded machine gets three tries.
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        HttpResponse<String> r =
            http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() >= 300) {
          throw new IllegalStateException(
              request.uri() + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("REST call " + request.uri() + " failed", last);
  }

  @Override
  public void close() {
    if (stopOnClose) {
      run(List.of("bash", script.toString(), "stop"), Duration.ofMinutes(2));
    } else if (env.containsKey("VIGIL_PROMETHEUS_URL")) {
      run(List.of("bash", script.toString(), "stop-prometheus"), Duration.ofMinutes(1));
    }
    deleteJobFiles();
  }

  /**
   * Deletes the checkpoints and savepoints of the jobs this object submitted or stopped (about 6 MB
   * a test run, kept for ever otherwise), unless {@code vigil.test.keep-data} is set, like {@link
   * io.vigil.jobs.testing.TestDataCleanup}. Called once the cluster is stopped, so no job writes
   * there any more; a leftover is reported, not failed on.
   */
  private void deleteJobFiles() {
    if (Boolean.getBoolean("vigil.test.keep-data")) {
      return;
    }
    List<Path> dirs = new ArrayList<>();
    Path checkpoints = Path.of(URI.create(env.get("VIGIL_FLINK_CHECKPOINTS")));
    jobIds.forEach(id -> dirs.add(checkpoints.resolve(id)));
    savepoints.forEach(sp -> dirs.add(Path.of(URI.create(sp))));
    for (Path dir : dirs) {
      try {
        FileUtils.deleteDirectory(dir.toFile());
      } catch (IOException e) {
        System.err.println("could not delete " + dir + ": " + e);
      }
    }
  }

  record Result(int exit, String stdout, String stderr) {
    boolean ok() {
      return exit == 0;
    }

    String output() {
      return stdout + "\n" + stderr;
    }
  }

  static Result run(List<String> cmd, Duration timeout) {
    return run(cmd, Map.of(), timeout);
  }

  static Result run(List<String> cmd, Map<String, String> extraEnv, Duration timeout) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(extraEnv);
      Path err = java.nio.file.Files.createTempFile("flink-cluster", ".err");
      pb.redirectError(err.toFile());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " did not end within " + timeout);
      }
      String stderr = java.nio.file.Files.readString(err);
      java.nio.file.Files.deleteIfExists(err);
      // progress lines of the script ([flink] ...) are worth seeing in the test output
      stderr.lines().filter(l -> l.startsWith("[flink]")).forEach(System.out::println);
      return new Result(p.exitValue(), out, stderr);
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
