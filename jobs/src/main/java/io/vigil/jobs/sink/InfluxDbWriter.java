package io.vigil.jobs.sink;

import io.vigil.common.model.MetricPoint;
import io.vigil.common.model.ScoredPoint;
import io.vigil.jobs.core.VigilMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.BatchPoints;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer of {@link InfluxDbSink}: buffers, flushes synchronously (backpressure), retries. */
final class InfluxDbWriter implements SinkWriter<ScoredPoint> {
  private static final Logger LOG = LoggerFactory.getLogger(InfluxDbWriter.class);
  static final String MEASUREMENT = "data_points";
  private static final long MAX_BACKOFF_MS = 30_000;

  private final InfluxSettings settings;
  private final List<Point> buffer = new ArrayList<>();
  private final Counter written;
  private final Counter retries;
  private final Counter rejected;
  private InfluxDB influx;
  private boolean databaseReady;

  InfluxDbWriter(InfluxSettings settings, SinkWriterMetricGroup metrics) {
    this.settings = settings;
    var group = VigilMetrics.of(metrics);
    this.written = group.counter("influxPointsWritten");
    this.retries = group.counter("influxWriteRetries");
    this.rejected = group.counter("influxPointsRejected");
  }

  @Override
  public void write(ScoredPoint sp, Context context) throws IOException, InterruptedException {
    buffer.add(toPoint(sp));
    if (buffer.size() >= settings.batchSize()) {
      flushBuffer();
    }
  }

  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    flushBuffer();
  }

  static Point toPoint(ScoredPoint sp) {
    MetricPoint p = sp.point();
    Point.Builder b = Point.measurement(MEASUREMENT).time(p.timestamp(), TimeUnit.MILLISECONDS);
    for (Map.Entry<String, String> t : p.tags().entrySet()) {
      String k = t.getKey();
      boolean reserved = k.equals("tenant") || k.equals("source_id") || k.equals("metric_name");
      b.tag(reserved ? "tag_" + k : k, t.getValue());
    }
    b.tag("tenant", p.tenant()).tag("source_id", p.source()).tag("metric_name", p.metric());
    return b.addField("value", p.value()).addField("anomaly_score", sp.score()).build();
  }

  private void flushBuffer() throws IOException, InterruptedException {
    if (buffer.isEmpty()) {
      return;
    }
    BatchPoints batch =
        BatchPoints.database(settings.database())
            .retentionPolicy(settings.retentionPolicy())
            .precision(TimeUnit.MILLISECONDS)
            .points(buffer)
            .build();
    withRetries(
        "write " + buffer.size() + " points",
        () -> {
          ensureDatabase();
          try {
            client().write(batch);
          } catch (InfluxDBException e) {
            if (e.isRetryWorth()) {
              throw e;
            }
            // Not retryable (for example points older than the retention policy): count, go on.
            rejected.inc(buffer.size());
            LOG.warn("InfluxDB rejected a batch of {} points: {}", buffer.size(), e.getMessage());
            return;
          }
          written.inc(buffer.size());
        });
    buffer.clear();
  }

  private void ensureDatabase() {
    if (databaseReady) {
      return;
    }
    String db = settings.database();
    client().query(new Query("CREATE DATABASE \"" + db + "\""));
    QueryResult rps = client().query(new Query("SHOW RETENTION POLICIES ON \"" + db + "\"", db));
    boolean present =
        rps.getResults().stream()
            .filter(r -> r.getSeries() != null)
            .flatMap(r -> r.getSeries().stream())
            .flatMap(s -> s.getValues().stream())
            .anyMatch(row -> settings.retentionPolicy().equals(row.get(0)));
    if (!present) {
      client()
          .query(
              new Query(
                  "CREATE RETENTION POLICY \""
                      + settings.retentionPolicy()
                      + "\" ON \""
                      + db
                      + "\" DURATION "
                      + settings.retention()
                      + " REPLICATION 1",
                  db));
    }
    databaseReady = true;
  }

  private InfluxDB client() {
    if (influx == null) {
      influx =
          settings.user().isEmpty()
              ? InfluxDBFactory.connect(settings.url())
              : InfluxDBFactory.connect(settings.url(), settings.user(), settings.password());
    }
    return influx;
  }

  private void withRetries(String what, Runnable action) throws IOException, InterruptedException {
    long backoff = settings.backoffMillis();
    for (int attempt = 0; ; attempt++) {
      try {
        action.run();
        return;
      } catch (RuntimeException e) {
        if (attempt >= settings.maxRetries()) {
          throw new IOException(
              "InfluxDB: could not " + what + " after " + (attempt + 1) + " attempts", e);
        }
        retries.inc();
        LOG.warn(
            "InfluxDB: {} failed (attempt {}), retrying in {} ms: {}",
            what,
            attempt + 1,
            backoff,
            e.toString());
        Thread.sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  @Override
  public void close() {
    if (influx != null) {
      influx.close();
    }
  }
}
