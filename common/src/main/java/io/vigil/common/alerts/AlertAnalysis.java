package io.vigil.common.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.logs.LogLevels;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Explains an alert from Alertmanager with what Vigil saw on the same service: the anomalies its
 * detectors found (in the metrics, the logs, and the infrastructure's drift) from {@code lookback}
 * before the alert started to {@code lookahead} after, the most telling first (same instance, then
 * severity, then the earliest), the alerts Vigil's own rules raised on the service in that window
 * (the same incident, seen twice: on-call may already be on it), the errors the service logged for
 * the first time in that window (the log job's new error groups: a new error that starts just
 * before an alert is most often its cause), a one-sentence summary and what to check, by the kind
 * of change each detector component saw. Deterministic: the same alert and evidence give the same
 * JSON.
 */
public final class AlertAnalysis {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How many anomalies an analysis lists (it counts them all); as many of Vigil's alerts. */
  public static final int MAX_LISTED = 5;

  /** The {@link Evidence#component} of an alert raised by one of Vigil's own rules. */
  public static final String VIGIL_ALERT = "vigil-alert";

  /** The {@link Evidence#component} of an error group, timed at its first occurrence. */
  public static final String NEW_ERROR = "new-error";

  /** The longest error template an analysis quotes. */
  static final int MAX_TEMPLATE = 200;

  private AlertAnalysis() {}

  /**
   * What an analysis keeps of an anomaly, of an alert Vigil's rules raised ({@link #component}
   * {@value #VIGIL_ALERT}: the id is the alert's, the reason its summary), or of an error group
   * ({@value #NEW_ERROR}: the id is its error hash, the time its first occurrence, the score its
   * occurrences so far, the reason its template).
   */
  public record Evidence(
      String anomalyId,
      String metric,
      String instance,
      long timestamp,
      double score,
      Severity severity,
      String component,
      String why) {

    /** The evidence of an anomaly: its component and reason come from its explanation. */
    public static Evidence of(Anomaly a) {
      String component = "";
      String why = "";
      try {
        JsonNode e = MAPPER.readTree(a.explanationJson());
        component = e.path("component").asText("");
        why = e.path("why").asText("");
      } catch (Exception ignored) {
        // an explanation that is not JSON: the anomaly is still evidence, without a reason
      }
      return new Evidence(
          a.id(),
          a.metric(),
          instance(a.tags()),
          a.timestamp(),
          a.score(),
          a.severity(),
          component,
          why);
    }

    /**
     * The evidence of an alert Vigil raised: its id, metric and instance (when its rule groups by
     * them), its start, severity and summary; the score is the value that fired it.
     */
    public static Evidence of(AlertTransition t) {
      Map<String, String> l = t.labels();
      return new Evidence(
          t.alertId(),
          l.getOrDefault("metric", ""),
          instance(l),
          t.startsAt(),
          t.value(),
          Severity.parse(t.severity()),
          VIGIL_ALERT,
          t.annotations().getOrDefault("summary", t.ruleName()));
    }

    /**
     * The evidence of an error group of the log job: timed at its first occurrence, so it is in an
     * alert's window only when the service started logging it around the alert. FATAL errors are
     * critical, the others high.
     */
    public static Evidence of(ErrorGroupRow g) {
      String template = g.template().isEmpty() ? g.example() : g.template();
      if (template.length() > MAX_TEMPLATE) {
        template = template.substring(0, MAX_TEMPLATE - 3) + "...";
      }
      return new Evidence(
          g.errorHash(),
          "logs",
          "",
          g.firstSeen(),
          g.count(),
          LogLevels.FATAL.equals(LogLevels.normalize(g.severity()))
              ? Severity.CRITICAL
              : Severity.HIGH,
          NEW_ERROR,
          template);
    }

    /** The instance a series or an alert is about: its instance label, else its host. */
    private static String instance(Map<String, String> labels) {
      return labels.getOrDefault("instance", labels.getOrDefault("host", ""));
    }

    /** Whether this is an alert of Vigil's own rules rather than an anomaly. */
    public boolean vigilAlert() {
      return VIGIL_ALERT.equals(component);
    }

    /** Whether this is an error group rather than an anomaly. */
    public boolean newError() {
      return NEW_ERROR.equals(component);
    }
  }

  /**
   * Whether a change of one of Vigil's alerts is evidence for Alertmanager's: it was raised
   * (notified or silenced), and says which service it is about.
   */
  public static boolean raised(AlertTransition t) {
    return ("firing".equals(t.transition()) || "suppressed".equals(t.transition()))
        && !t.labels().getOrDefault("source", "").isEmpty();
  }

  /** Whether an anomaly at {@code timestamp} is in the window of an alert that started then. */
  public static boolean inWindow(long startsAt, long timestamp, long lookback, long lookahead) {
    return timestamp >= startsAt - lookback && timestamp <= startsAt + lookahead;
  }

  /** The analysis of an alert as a JSON object (for {@code alerts.analysis}). */
  public static String explain(
      IncomingAlert alert, List<Evidence> recent, long lookback, long lookahead) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("service", alert.source());
    out.put("tenant", alert.tenant());
    out.put("from", Instant.ofEpochMilli(alert.startsAt() - lookback).toString());
    out.put("to", Instant.ofEpochMilli(alert.startsAt() + lookahead).toString());
    List<Evidence> found = new ArrayList<>();
    List<Evidence> raised = new ArrayList<>();
    List<Evidence> errors = new ArrayList<>();
    for (Evidence e : recent) {
      if (inWindow(alert.startsAt(), e.timestamp(), lookback, lookahead)) {
        (e.vigilAlert() ? raised : e.newError() ? errors : found).add(e);
      }
    }
    raised.sort(Comparator.comparingLong(Evidence::timestamp).thenComparing(Evidence::anomalyId));
    errors.sort(Comparator.comparingLong(Evidence::timestamp).thenComparing(Evidence::anomalyId));
    found.sort(
        Comparator.comparing((Evidence e) -> !sameInstance(alert, e))
            .thenComparing(Evidence::severity, Comparator.reverseOrder())
            .thenComparingLong(Evidence::timestamp)
            .thenComparing(Evidence::anomalyId));
    out.put("anomalies_found", found.size());
    ArrayNode list = out.putArray("anomalies");
    for (Evidence e : found.subList(0, Math.min(MAX_LISTED, found.size()))) {
      ObjectNode a = listed(list, e, alert);
      a.put("score", Math.round(e.score() * 1000) / 1000.0);
      a.put("component", e.component());
      a.put("why", e.why());
    }
    ArrayNode alerts = out.putArray("vigil_alerts");
    for (Evidence e : raised.subList(0, Math.min(MAX_LISTED, raised.size()))) {
      listed(alerts, e, alert).put("summary", e.why());
    }
    out.put("new_errors_found", errors.size());
    ArrayNode newErrors = out.putArray("new_errors");
    for (Evidence e : errors.subList(0, Math.min(MAX_LISTED, errors.size()))) {
      ObjectNode n = listed(newErrors, e, alert);
      n.put("occurrences", Math.round(e.score()));
      n.put("template", e.why());
    }
    out.put(
        "summary",
        (found.isEmpty() && !(raised.isEmpty() && errors.isEmpty())
                ? "No anomaly on " + alert.source() + " around the alert."
                : summary(alert, found))
            + newErrors(alert, errors)
            + alsoRaised(alert, found.isEmpty() && errors.isEmpty(), raised));
    ArrayNode hints = out.putArray("recommendations");
    recommendations(alert, found, raised, errors).forEach(hints::add);
    return out.toString();
  }

  /** A listed piece of evidence: its id, metric and instance, when, how long before, severity. */
  private static ObjectNode listed(ArrayNode list, Evidence e, IncomingAlert alert) {
    ObjectNode a = list.addObject();
    a.put("id", e.anomalyId());
    if (!e.metric().isEmpty()) {
      a.put("metric", e.metric());
    }
    if (!e.instance().isEmpty()) {
      a.put("instance", e.instance());
    }
    a.put("at", Instant.ofEpochMilli(e.timestamp()).toString());
    a.put("seconds_before_alert", (alert.startsAt() - e.timestamp()) / 1000);
    a.put("severity", e.severity().dbName());
    return a;
  }

  /** The sentence the summary gets when the service logged new errors around the alert. */
  private static String newErrors(IncomingAlert alert, List<Evidence> errors) {
    if (errors.isEmpty()) {
      return "";
    }
    Evidence first = errors.get(0);
    return (errors.size() == 1
            ? " A new error appeared in the logs of "
            : " " + errors.size() + " new errors appeared in the logs of ")
        + alert.source()
        + ", the first "
        + relative(alert, first)
        + " ("
        + Math.round(first.score())
        + (Math.round(first.score()) == 1 ? " time so far): " : " times so far): ")
        + first.why()
        + ".";
  }

  /**
   * The sentence the summary gets when Vigil's own rules alerted on the service too; {@code
   * nothingElse}: no anomaly nor new error came before it.
   */
  private static String alsoRaised(
      IncomingAlert alert, boolean nothingElse, List<Evidence> raised) {
    if (raised.isEmpty()) {
      return "";
    }
    Evidence first = raised.get(0);
    return (nothingElse ? " But Vigil" : " Vigil")
        + (raised.size() == 1 ? " raised an alert" : " raised " + raised.size() + " alerts")
        + " on "
        + alert.source()
        + " "
        + relative(alert, first)
        + ": "
        + first.why()
        + ".";
  }

  /** When a piece of evidence came, relative to the alert: "3 min before this one", ... */
  private static String relative(IncomingAlert alert, Evidence e) {
    long lead = alert.startsAt() - e.timestamp();
    return lead > 0
        ? human(lead) + " before this one"
        : lead == 0 ? "as this one started" : human(-lead) + " after this one started";
  }

  private static boolean sameInstance(IncomingAlert alert, Evidence e) {
    return !alert.instance().isEmpty() && alert.instance().equals(e.instance());
  }

  private static String summary(IncomingAlert alert, List<Evidence> found) {
    if (alert.source().isEmpty()) {
      return "The alert has no service label (source, service.name, service or job): Vigil cannot"
          + " tell which of its series to compare it with.";
    }
    if (found.isEmpty()) {
      return "No anomaly on "
          + alert.source()
          + " around the alert: if Vigil reads this service's data (it is in the services table"
          + " under that name), its metrics, logs and infrastructure look ordinary, so check the"
          + " alert's own expression and the service's dependencies; if it is not there, Vigil"
          + " receives nothing under that name (the service may report as another source,"
          + " service.name, service or job).";
    }
    Evidence earliest = found.stream().min(Comparator.comparingLong(Evidence::timestamp)).get();
    Evidence top = found.get(0);
    long lead = alert.startsAt() - earliest.timestamp();
    String when =
        lead > 0
            ? "the first " + human(lead) + " before the alert"
            : lead == 0
                ? "the first as the alert started"
                : "the first " + human(-lead) + " after it started";
    return found.size()
        + (found.size() == 1 ? " anomaly on " : " anomalies on ")
        + alert.source()
        + " around the alert, "
        + when
        + "; most telling: "
        + top.metric()
        + (top.component().isEmpty() ? "" : " (" + top.component() + ")")
        + ", "
        + top.severity().dbName()
        + (top.why().isEmpty() ? "" : ": " + top.why())
        + ".";
  }

  private static List<String> recommendations(
      IncomingAlert alert, List<Evidence> found, List<Evidence> raised, List<Evidence> errors) {
    Set<String> out = new LinkedHashSet<>();
    if (!raised.isEmpty()) {
      out.add(
          "Vigil's alert "
              + raised.get(0).anomalyId()
              + " ("
              + raised.get(0).why()
              + ") is about the same incident: handle the two as one, and acknowledge both.");
    }
    if (!errors.isEmpty()) {
      Evidence first = errors.get(0);
      out.add(
          alert.source()
              + " started logging a new error at "
              + Instant.ofEpochMilli(first.timestamp())
              + " (error group "
              + first.anomalyId()
              + "): "
              + first.why()
              + ". Read it first: an error that is new just before an alert is most often its"
              + " cause (a deployment, a configuration change, a failing dependency).");
    }
    String where = alert.instance().isEmpty() ? alert.source() : alert.instance();
    for (Evidence e : found) {
      String at = Instant.ofEpochMilli(e.timestamp()).toString();
      out.add(
          switch (e.component()) {
            case "stuck" ->
                e.metric()
                    + " stopped changing at "
                    + at
                    + ": check the exporter or collector on "
                    + where
                    + " before the service itself.";
            case "dropout" ->
                e.metric()
                    + " stopped arriving at "
                    + at
                    + ": check that the scrape target or agent on "
                    + where
                    + " is up.";
            case "log-window" ->
                "The logs of "
                    + alert.source()
                    + " changed at "
                    + at
                    + ": read the templates the log anomaly names (new errors first)"
                    + (e.why().isEmpty() ? "." : ": " + e.why() + ".");
            case "silence" ->
                alert.source()
                    + " stopped logging at "
                    + at
                    + ": check that it is running and that its log shipper still sends.";
            case "drift" ->
                "Infrastructure changed outside its code at "
                    + at
                    + (e.why().isEmpty() ? "" : " (" + e.why() + ")")
                    + ": review that change first, and revert it if the alert started with it.";
            case "trend" ->
                e.metric()
                    + " had been drifting away from its usual average when it was flagged at "
                    + at
                    + ": look for something that accumulates on "
                    + where
                    + " (a leak, a filling disk or queue, a growing backlog).";
            case "burst" ->
                e.metric()
                    + " turned erratic at "
                    + at
                    + ": look for retries, saturation or a flapping dependency.";
            default ->
                e.metric()
                    + " left its usual range at "
                    + at
                    + ": compare with deployments and configuration changes of "
                    + alert.source()
                    + " at that time.";
          });
      if (out.size() == 3) {
        break;
      }
    }
    return List.copyOf(out);
  }

  private static String human(long millis) {
    Duration d = Duration.ofMillis(millis);
    if (d.toHours() >= 2) {
      return d.toHours() + " h";
    }
    if (d.toMinutes() >= 1) {
      return d.toMinutes() + " min";
    }
    return Math.max(1, d.toSeconds()) + " s";
  }
}
