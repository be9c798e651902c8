package io.vigil.jobs.alerts.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP receiver (JDK server) that records every request. Paths: {@code /ok/*} answer 200,
 * {@code /flaky/*} answer 503 to the first two requests of each idempotency key, {@code /slow/*}
 * hold the request up to 15 s (past the notifier's timeout) before answering.
 */
public final class HttpRecorder implements AutoCloseable {
  /** One received request: path, headers (lower-case names), body and the status we answered. */
  public record Request(String path, Map<String, String> headers, String body, int status) {
    public String header(String name) {
      return headers.get(name.toLowerCase());
    }
  }

  private final HttpServer server;
  // a thread per request: requests held by /slow must not keep the others waiting
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> flakyCounts = new ConcurrentHashMap<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  public HttpRecorder() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  /**
   * A channels file with one webhook channel {@code hook} that posts to {@code /ok/<run>} here, for
   * a job whose alerting a test watches.
   */
  public Path hookChannelsFile(String run) throws IOException {
    Path channels = Files.createTempFile(run, "-channels.yaml");
    Files.writeString(
        channels,
        "channels:\n  - {name: hook, type: webhook, url: \"" + url("/ok/" + run) + "\"}\n");
    return channels;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> headers = new TreeMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
    String path = ex.getRequestURI().getPath();
    int status = 200;
    if (path.startsWith("/flaky")) {
      String key = headers.getOrDefault("idempotency-key", "");
      status =
          flakyCounts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() <= 2
              ? 503
              : 200;
    } else if (path.startsWith("/slow")) {
      try {
        closing.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    requests.add(new Request(path, headers, body, status));
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  public List<Request> requests(String pathPrefix) {
    List<Request> out = new ArrayList<>();
    for (Request r : requests) {
      if (r.path().startsWith(pathPrefix)) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}
