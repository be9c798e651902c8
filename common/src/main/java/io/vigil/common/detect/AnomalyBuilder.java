package io.vigil.common.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Turns a detector's verdict into an {@link Anomaly} with a deterministic id and an explanation a
 * human can read: actual, expected, band, detector, component and why.
 */
public final class AnomalyBuilder {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AnomalyBuilder() {}

  /** Name-based UUID of the model: the same algorithm and version always give the same id. */
  public static UUID modelId(String algorithm, String version) {
    return UUID.nameUUIDFromBytes(
        ("model|" + algorithm + "|" + version).getBytes(StandardCharsets.UTF_8));
  }

  /** Name-based UUID of an anomaly of a series at an event time found by a model version. */
  public static UUID anomalyId(
      String series, long timestamp, String kind, String algorithm, String version) {
    String name =
        "anomaly|" + series + "|" + timestamp + "|" + kind + "|" + algorithm + "|" + version;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  /** An anomaly for a scored point. */
  public static Anomaly fromScore(
      MetricPoint p, Score s, String algorithm, String version, SeverityMapping mapping) {
    String series = p.series();
    ObjectNode e = MAPPER.createObjectNode();
    e.put("actual", p.value());
    e.put("expected", s.expected());
    e.putArray("band").add(s.lower()).add(s.upper());
    e.put("detector", algorithm + "@" + version);
    e.put("component", s.component());
    e.put("why", s.reason());
    e.put("at", Instant.ofEpochMilli(p.timestamp()).toString());
    return new Anomaly(
        anomalyId(series, p.timestamp(), s.component(), algorithm, version).toString(),
        p.tenant(),
        p.source(),
        p.metric(),
        p.tags(),
        series,
        p.timestamp(),
        p.value(),
        s.score(),
        mapping.severityOf(s.score()),
        algorithm,
        version,
        e.toString());
  }

  /** An anomaly for a series that stopped reporting. */
  public static Anomaly dropout(
      MetricPoint last,
      long detectedAt,
      long usualIntervalMillis,
      double score,
      String algorithm,
      String version,
      SeverityMapping mapping) {
    String series = last.series();
    ObjectNode e = MAPPER.createObjectNode();
    e.put("actual", (String) null);
    e.put("expected", "a point every ~" + Math.max(1, usualIntervalMillis / 1000) + " s");
    e.put("lastValue", last.value());
    e.put("lastSeen", Instant.ofEpochMilli(last.timestamp()).toString());
    e.put("detector", algorithm + "@" + version);
    e.put("component", "dropout");
    e.put(
        "why",
        "no data for "
            + (detectedAt - last.timestamp()) / 1000
            + " s; the series usually reports every "
            + Math.max(1, usualIntervalMillis / 1000)
            + " s");
    return new Anomaly(
        anomalyId(series, detectedAt, "dropout", algorithm, version).toString(),
        last.tenant(),
        last.source(),
        last.metric(),
        last.tags(),
        series,
        detectedAt,
        Double.NaN,
        score,
        mapping.severityOf(score),
        algorithm,
        version,
        e.toString());
  }
}
