package io.vigil.jobs.logs.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.detect.AnomalyBuilder;
import io.vigil.common.detect.SeverityMapping;
import io.vigil.common.logs.LogWindowScorer;
import io.vigil.common.logs.SilenceModel;
import io.vigil.common.logs.TemplateIds;
import io.vigil.common.logs.WindowCounts;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.SeriesKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds the feature-window JSON and the log anomaly with its explanation. */
public final class LogExplanations {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Features with a robust z at least this large are named as responsible. */
  static final double RESPONSIBLE_Z = 3.0;

  /** The metric name of log anomalies. */
  public static final String METRIC = "logs";

  private LogExplanations() {}

  /** Name-based id of a feature window: a replay upserts the same row. */
  public static UUID featureWindowId(String tenant, String service, long start, long seconds) {
    String name = "feature-window|" + tenant + "|" + service + "|" + start + "|" + seconds;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  static FeatureWindow featureWindow(
      String tenant,
      String service,
      long start,
      long windowMillis,
      WindowCounts c,
      double[] features,
      LogWindowScorer.Verdict v) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("events", c.total);
    ObjectNode levels = n.putObject("by_severity");
    levels.put("trace", c.trace).put("debug", c.debug).put("info", c.info).put("warn", c.warn);
    levels.put("error", c.error).put("fatal", c.fatal).put("unspecified", c.unspecified);
    LogWindowScorer.asMap(features).forEach(n::put);
    n.put("score", v.score());
    n.put("scored", v.scored());
    ArrayNode top = n.putArray("top_templates");
    c.templates.entrySet().stream()
        .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
        .limit(5)
        .forEach(
            e ->
                top.addObject()
                    .put("id", TemplateIds.toHex(e.getKey()))
                    .put("count", e.getValue()));
    int seconds = (int) (windowMillis / 1000);
    return new FeatureWindow(
        featureWindowId(tenant, service, start, seconds).toString(),
        tenant,
        service,
        start,
        seconds,
        n.toString());
  }

  static Anomaly anomaly(
      FeatureWindow fw, WindowCounts c, LogWindowScorer.Verdict v, SeverityMapping severities) {
    ObjectNode e = MAPPER.createObjectNode();
    e.put("detector", LogWindowScorer.ALGORITHM + "@" + LogWindowScorer.VERSION);
    e.put("component", "log-window");
    e.put("window_start", Instant.ofEpochMilli(fw.windowStart()).toString());
    e.put("window_seconds", fw.windowSeconds());
    e.put("tail_probability", v.tailProbability());
    List<LogWindowScorer.FeatureScore> responsible = new ArrayList<>();
    for (LogWindowScorer.FeatureScore f : v.features()) {
      if (Math.abs(f.z()) >= RESPONSIBLE_Z) {
        responsible.add(f);
      }
    }
    responsible.sort(Comparator.comparingDouble(f -> -Math.abs(f.z())));
    ArrayNode fs = e.putArray("features");
    List<String> why = new ArrayList<>();
    for (LogWindowScorer.FeatureScore f : responsible) {
      fs.addObject()
          .put("name", f.name())
          .put("value", f.value())
          .put("usual", f.median())
          .put("z", f.z());
      why.add(String.format("%s %.3g (usual %.3g)", f.name(), f.value(), f.median()));
    }
    ArrayNode created = e.putArray("new_templates");
    for (LogWindowScorer.TemplateEvidence t : v.newTemplates()) {
      created
          .addObject()
          .put("id", TemplateIds.toHex(t.id()))
          .put("template", t.template())
          .put("count", t.count());
      why.add("new template '" + t.template() + "' x" + t.count());
    }
    ArrayNode grown = e.putArray("grown_templates");
    for (LogWindowScorer.TemplateEvidence t : v.grownTemplates()) {
      grown
          .addObject()
          .put("id", TemplateIds.toHex(t.id()))
          .put("template", t.template())
          .put("count", t.count())
          .put("expected", Math.round(t.expected() * 10) / 10.0);
      why.add(String.format("'%s' x%d (usually ~%.1f)", t.template(), t.count(), t.expected()));
    }
    e.put("why", String.join("; ", why));
    return logAnomaly(
        fw,
        fw.windowStart(),
        "log-window",
        LogWindowScorer.ALGORITHM,
        LogWindowScorer.VERSION,
        c.total,
        v.score(),
        severities,
        e);
  }

  /**
   * A log anomaly of the service's series at the feature window's start; its id is derived from
   * {@code idTime} and the component, so a replay upserts the same row.
   */
  private static Anomaly logAnomaly(
      FeatureWindow fw,
      long idTime,
      String component,
      String algorithm,
      String version,
      double value,
      double score,
      SeverityMapping severities,
      ObjectNode explanation) {
    String series = SeriesKey.of(fw.tenant(), fw.service(), METRIC, Map.of());
    String id = AnomalyBuilder.anomalyId(series, idTime, component, algorithm, version).toString();
    return new Anomaly(
        id,
        fw.tenant(),
        fw.service(),
        METRIC,
        Map.of(),
        series,
        fw.windowStart(),
        value,
        score,
        severities.severityOf(score),
        algorithm,
        version,
        explanation.toString());
  }

  /**
   * The anomaly of a service that stopped logging: no event from the end of its last active window
   * to {@code end}, which its own history makes unlikely ({@code nats} of evidence). Its id is the
   * silence's start, so a replay upserts the same row.
   */
  static Anomaly silence(
      FeatureWindow fw,
      SilenceModel m,
      long end,
      double nats,
      double score,
      SeverityMapping severities) {
    long since = m.lastActive() + fw.windowSeconds() * 1000L;
    long minutes = (end - since) / 60_000;
    ObjectNode e = MAPPER.createObjectNode();
    e.put("detector", SilenceModel.ALGORITHM + "@" + SilenceModel.VERSION);
    e.put("component", "silence");
    e.put("silent_since", Instant.ofEpochMilli(since).toString());
    e.put("silent_until", Instant.ofEpochMilli(end).toString());
    e.put("window_seconds", fw.windowSeconds());
    e.put("empty_after_active", m.emptyAfterActive());
    e.put("empty_after_empty", m.emptyAfterEmpty());
    e.put("evidence_nats", nats);
    e.put(
        "why",
        String.format(
            "no log events for %d min since %s; in its usual hours this service leaves a window"
                + " empty %.2g%% of the time",
            minutes, Instant.ofEpochMilli(since), 100 * m.emptyAfterActive()));
    return logAnomaly(
        fw,
        since,
        "silence",
        SilenceModel.ALGORITHM,
        SilenceModel.VERSION,
        0,
        score,
        severities,
        e);
  }
}
