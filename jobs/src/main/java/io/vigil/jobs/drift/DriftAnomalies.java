package io.vigil.jobs.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.SeriesKey;
import io.vigil.common.model.Severity;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Drift events as anomalies, so that the alert rules page on them like on any other anomaly: metric
 * {@code drift}, source the resource's service (its address when it has none), tags environment,
 * resource, resource type and drift type (one alert per resource), the severity of the event, and
 * an explanation whose "why" says what changed, who changed it and in which commit. The anomaly's
 * id is the drift event's ({@code drift_events.id}), which an alert's {@code anomaly_id} then
 * names. Only open events become anomalies: a resolution is not news to page on (the alert resolves
 * after its rule's {@code auto_resolve}).
 *
 * <p>Event time: reports are compared in arrival order and carry no event-time clock (the source is
 * idle for event time), but the alert rules' CEP patterns release a match only when a watermark
 * passes it. The drift anomaly is timed when the job found it (processing time) and the stream's
 * watermark follows the wall clock ({@link #wallClock}), so a match is released within a watermark
 * interval, and no anomaly can be late: each is timed after every watermark before it.
 */
public final class DriftAnomalies {
  public static final String METRIC = "drift";
  public static final String ALGORITHM = "drift-diff";
  public static final String VERSION = "1";

  /** How far the watermark stays behind the wall clock (a clock stepped back by NTP stays safe). */
  static final long CLOCK_SLACK_MS = 1_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_CHANGES_SAID = 3;

  private DriftAnomalies() {}

  /** The anomaly of an open drift event found at {@code now}; null for a resolved one. */
  public static Anomaly of(DriftRow row, String tenant, long now) {
    if (row.resolvedAt() > 0) {
      return null;
    }
    String source =
        row.service() == null || row.service().isEmpty() ? row.resource() : row.service();
    Map<String, String> tags = new TreeMap<>();
    tags.put("environment", row.environment());
    tags.put("resource", row.resource());
    tags.put("resource_type", row.resourceType() == null ? "" : row.resourceType());
    tags.put("drift_type", row.driftType());
    ObjectNode explanation = JSON.createObjectNode();
    explanation.put("component", "drift");
    explanation.put("why", why(row));
    explanation.put("detected_at", row.detectedAt());
    return new Anomaly(
        row.id(),
        tenant,
        source,
        METRIC,
        tags,
        SeriesKey.of(tenant, source, METRIC, tags),
        now,
        row.severityScore(),
        row.severityScore(),
        Severity.parse(row.severity()),
        ALGORITHM,
        VERSION,
        explanation.toString());
  }

  /**
   * What changed, in words: "aws_security_group.web in prod modified: /ingress/1 added (security);
   * by alice, commit abc123", at most {@value #MAX_CHANGES_SAID} properties named.
   */
  static String why(DriftRow row) {
    StringBuilder s = new StringBuilder();
    s.append(row.resource()).append(" in ").append(row.environment()).append(' ');
    s.append(row.driftType());
    JsonNode changes = readArray(row.changesJson());
    if (changes.size() > 0) {
      s.append(':');
      for (int i = 0; i < Math.min(changes.size(), MAX_CHANGES_SAID); i++) {
        JsonNode c = changes.get(i);
        s.append(i == 0 ? " " : ", ")
            .append(c.path("path").asText())
            .append(' ')
            .append(c.path("change_type").asText());
        if (c.path("security_critical").asBoolean()) {
          s.append(" (security)");
        }
      }
      if (changes.size() > MAX_CHANGES_SAID) {
        s.append(" and ").append(changes.size() - MAX_CHANGES_SAID).append(" more");
      }
    }
    boolean by = row.changedBy() != null && !row.changedBy().isEmpty();
    boolean commit = row.commit() != null && !row.commit().isEmpty();
    if (by || commit) {
      s.append(';');
      if (by) {
        s.append(" by ").append(row.changedBy());
      }
      if (commit) {
        s.append(by ? "," : "").append(" commit ").append(row.commit());
      }
    }
    return s.toString();
  }

  private static JsonNode readArray(String json) {
    if (json == null || json.isEmpty()) {
      return JSON.createArrayNode();
    }
    try {
      JsonNode n = JSON.readTree(json);
      return n.isArray() ? n : JSON.createArrayNode();
    } catch (IOException e) {
      return JSON.createArrayNode();
    }
  }

  /**
   * Timestamps from the anomaly (the processing time it was found at), and a watermark that follows
   * the wall clock, {@link #CLOCK_SLACK_MS} behind.
   */
  public static WatermarkStrategy<Anomaly> wallClock() {
    return WatermarkStrategy.<Anomaly>forGenerator(
            ctx ->
                new WatermarkGenerator<>() {
                  @Override
                  public void onEvent(Anomaly a, long ts, WatermarkOutput out) {}

                  @Override
                  public void onPeriodicEmit(WatermarkOutput out) {
                    out.emitWatermark(new Watermark(System.currentTimeMillis() - CLOCK_SLACK_MS));
                  }
                })
        .withTimestampAssigner((a, ts) -> a.timestamp());
  }
}
