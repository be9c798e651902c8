package io.vigil.jobs.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.common.codec.AnomalyJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * Everything one run of the metrics job wrote: anomaly rows, InfluxDB points, dead letters, and the
 * ids of the metric anomalies it published to its anomalies topic ({@code <run>.anomalies}, in the
 * order read; the log job of the same run publishes there too, its anomalies are left out).
 */
record RunOutputs(
    String name,
    String database,
    List<AnomalyRow> anomalies,
    Map<String, SeriesAggregate> influx,
    List<DeadLetterRecord> deadLetters,
    List<String> published) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A row of {@code anomalies}, every column the job writes (not the database's timestamps). */
  record AnomalyRow(
      String id,
      String series,
      long detectedAt,
      Double value,
      double score,
      String severity,
      String explanation,
      String modelId,
      String component) {
    String seriesAt() {
      return series + "@" + detectedAt;
    }
  }

  /** Per InfluxDB series: the number of points and the sums of their scores and values. */
  record SeriesAggregate(long count, double scoreSum, double valueSum) {}

  /** A dead letter: where its input record was, why it was rejected, and its full JSON. */
  record DeadLetterRecord(int partition, long offset, String reason, String json) {}

  /** Reads a run whose PostgreSQL schema and InfluxDB database are both named {@code run}. */
  static RunOutputs read(
      String name, String run, LocalServices services, String dlq, int expectedDeadLetters)
      throws Exception {
    List<AnomalyRow> anomalies = anomalies(services, run);
    return new RunOutputs(
        name,
        run,
        anomalies,
        influx(services, run),
        deadLetters(services, dlq, expectedDeadLetters),
        published(services, run + ".anomalies", anomalies.size()));
  }

  static List<AnomalyRow> anomalies(LocalServices services, String schema) throws Exception {
    List<AnomalyRow> out = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                services.pgUrlWithSchema(schema), services.pgUser(), services.pgPassword());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id::text, series, detected_at, value, score, severity, explanation::text,"
                    + " model_id::text, explanation->>'component' FROM anomalies"
                    + " WHERE kind = 'metric' ORDER BY id")) {
      while (rs.next()) {
        double v = rs.getDouble(4);
        out.add(
            new AnomalyRow(
                rs.getString(1),
                rs.getString(2),
                rs.getTimestamp(3).getTime(),
                rs.wasNull() ? null : v,
                rs.getDouble(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9)));
      }
    }
    return out;
  }

  /** Per-series aggregates, keyed by the job's series key. */
  static Map<String, SeriesAggregate> influx(LocalServices services, String database) {
    Map<String, SeriesAggregate> out = new TreeMap<>();
    InfluxDB influx = InfluxDBFactory.connect(services.influxUrl());
    try {
      QueryResult r =
          influx.query(
              new Query(
                  "SELECT count(anomaly_score), sum(anomaly_score), sum(value) FROM"
                      + " \"vigil_30d\".\"data_points\" GROUP BY *",
                  database));
      if (r.getResults().get(0).getSeries() == null) {
        return out;
      }
      for (QueryResult.Series s : r.getResults().get(0).getSeries()) {
        Map<String, String> tags = new TreeMap<>(s.getTags());
        // GROUP BY * names every tag key of the measurement; a series without one reads ""
        tags.values().removeIf(String::isEmpty);
        String key =
            new MetricPoint(
                    tags.remove("tenant"),
                    tags.remove("source_id"),
                    tags.remove("metric_name"),
                    tags,
                    0,
                    0)
                .series();
        List<Object> row = s.getValues().get(0);
        out.put(
            key,
            new SeriesAggregate(
                ((Number) row.get(1)).longValue(),
                ((Number) row.get(2)).doubleValue(),
                ((Number) row.get(3)).doubleValue()));
      }
    } finally {
      influx.close();
    }
    return out;
  }

  /** The scores of one series in time order. */
  static List<Double> scores(LocalServices services, String database, MetricPoint template) {
    InfluxDB influx = InfluxDBFactory.connect(services.influxUrl());
    try {
      StringBuilder where =
          new StringBuilder()
              .append("tenant = '")
              .append(template.tenant())
              .append("' AND source_id = '")
              .append(template.source())
              .append("' AND metric_name = '")
              .append(template.metric())
              .append("'");
      template
          .tags()
          .forEach(
              (k, v) -> where.append(" AND \"").append(k).append("\" = '").append(v).append("'"));
      QueryResult r =
          influx.query(
              new Query(
                  "SELECT anomaly_score FROM \"vigil_30d\".\"data_points\" WHERE "
                      + where
                      + " ORDER BY time ASC",
                  database),
              TimeUnit.MILLISECONDS);
      List<Double> out = new ArrayList<>();
      if (r.getResults().get(0).getSeries() != null) {
        r.getResults()
            .get(0)
            .getSeries()
            .get(0)
            .getValues()
            .forEach(v -> out.add(((Number) v.get(1)).doubleValue()));
      }
      return out;
    } finally {
      influx.close();
    }
  }

  static List<String> published(LocalServices services, String topic, int expected) {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        TestKafka.readCommitted(
            services.kafkaBootstrap(), topic, expected, Duration.ofSeconds(60))) {
      AnomalyJsonCodec.Result a = AnomalyJsonCodec.decode(r.value());
      if (a.anomaly() == null) {
        throw new AssertionError("unreadable message on " + topic + ": " + a.error());
      }
      if (!a.anomaly().metric().equals("logs")) {
        out.add(a.anomaly().id());
      }
    }
    return out;
  }

  static List<DeadLetterRecord> deadLetters(LocalServices services, String topic, int expected)
      throws Exception {
    List<DeadLetterRecord> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        TestKafka.readCommitted(
            services.kafkaBootstrap(), topic, expected, Duration.ofSeconds(60))) {
      JsonNode n = JSON.readTree(r.value());
      out.add(
          new DeadLetterRecord(
              n.path("partition").asInt(),
              n.path("offset").asLong(),
              n.path("reason").asText(),
              n.toString()));
    }
    out.sort(
        (a, b) ->
            a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
    return out;
  }
}
