package io.vigil.jobs.alerts.incoming;

import io.vigil.common.alerts.AlertAnalysis;
import io.vigil.common.alerts.AlertJsonCodec;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.common.codec.AlertmanagerCodec;
import io.vigil.common.codec.AnomalyJsonCodec;
import io.vigil.common.codec.ErrorGroupJsonCodec;
import io.vigil.common.codec.WireFormat;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.model.Anomaly;
import io.vigil.jobs.alerts.AlertingUids;
import io.vigil.jobs.alerts.ControlBootstrap;
import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.alerts.source.ControlPlanePoller;
import io.vigil.jobs.catalog.ServiceCatalog;
import io.vigil.jobs.catalog.ServiceSighting;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.DecodeFunction;
import io.vigil.jobs.core.IdleWatermarks;
import io.vigil.jobs.core.Parsed;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.RecordDecoder;
import io.vigil.jobs.sink.DeadLetterKafkaSink;
import io.vigil.jobs.sink.ServiceCatalogPostgresSink;
import io.vigil.jobs.source.KafkaSources;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Alerts from Prometheus Alertmanager: notifications from Kafka are decoded (unusable alerts to the
 * dead-letter topic), given an action by the auto-analyze rules of the alerting control plane,
 * deduplicated per episode, explained with the anomalies Vigil found on the same service, and
 * upserted into {@code alerts} with {@code origin = 'alertmanager'}. See DESIGN.md beside the
 * alerting pipeline.
 */
public final class IncomingAlertsPipeline {
  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("alertmanager-dead-letters", TypeInformation.of(DeadLetter.class)) {};

  private IncomingAlertsPipeline() {}

  /** Settings of the stage. */
  public record Settings(
      String defaultTenant, String defaultAction, long lookback, long lookahead, long retention) {

    public static Settings from(VigilConfig c) {
      return new Settings(
          c.get(VigilOptions.METRICS_DEFAULT_TENANT).trim(),
          c.get(VigilOptions.ALERTMANAGER_DEFAULT_ACTION),
          c.get(VigilOptions.ALERTMANAGER_LOOKBACK).toMillis(),
          c.get(VigilOptions.ALERTMANAGER_LOOKAHEAD).toMillis(),
          c.get(VigilOptions.ALERTMANAGER_RETENTION).toMillis());
    }
  }

  /**
   * The Kafka source of a configuration's Alertmanager topic, or null when it is disabled (empty)
   * or cannot be created.
   */
  public static Source<RawRecord, ?, ?> source(VigilConfig config) {
    String topic = config.get(VigilOptions.ALERTMANAGER_TOPIC);
    if (topic.isEmpty() || !KafkaSources.ensureTopic(config, topic)) {
      return null;
    }
    return KafkaSources.raw(config, topic, config.get(VigilOptions.GROUP_ID) + "-alertmanager");
  }

  /**
   * The anomalies every Vigil job published to {@code kafka.anomalies-topic} (the log job's and the
   * drift job's among them), decoded, or null when the option is empty or the topic can't be
   * created. Unusable messages go to the metrics dead-letter topic (stage {@code anomalies}). Idle
   * for event time, like the notifications: the analysis needs no clock, and these records must
   * never hold the metrics' watermark back. The job's own anomalies come back this way too; the
   * analysis keeps one per id.
   */
  public static DataStream<Anomaly> publishedAnomalies(
      StreamExecutionEnvironment env, VigilConfig config) {
    return readBack(
        env,
        config,
        config.get(VigilOptions.ANOMALIES_TOPIC),
        "anomalies",
        "publishedAnomalies",
        IncomingAlertsPipeline::decodeAnomaly,
        Anomaly.class);
  }

  /**
   * The alerts the alerting pipeline of this job raised on a service ({@link
   * AlertAnalysis#raised}), as evidence.
   */
  public static DataStream<ServiceEvidence> raisedAlerts(DataStream<AlertTransition> transitions) {
    return transitions
        .flatMap(
            (AlertTransition t, Collector<ServiceEvidence> c) -> {
              if (AlertAnalysis.raised(t)) {
                c.collect(ServiceEvidence.of(t));
              }
            },
            TypeInformation.of(ServiceEvidence.class))
        .uid(AlertingUids.ALERTMANAGER_VIGIL_ALERT_EVIDENCE)
        .name("Vigil's alerts as evidence");
  }

  /**
   * The alerts every Vigil job raised on a service, read from {@code kafka.alerts-topic} (the log
   * job's silences and the drift job's changes among them), as evidence; null when the option is
   * empty or the topic can't be created. The other transitions of the topic are no evidence and
   * skipped; unusable messages go to the metrics dead-letter topic (stage {@code alerts}). Idle for
   * event time, like the published anomalies.
   */
  public static DataStream<ServiceEvidence> publishedAlerts(
      StreamExecutionEnvironment env, VigilConfig config) {
    return readBack(
        env,
        config,
        config.get(VigilOptions.ALERTS_TOPIC),
        "alerts",
        "publishedAlerts",
        IncomingAlertsPipeline::decodeAlert,
        ServiceEvidence.class);
  }

  /**
   * The error groups the log job published to {@code kafka.error-groups-topic}, as evidence timed
   * at their first occurrence (so only an error that is new around an alert explains it); null when
   * the option is empty or the topic can't be created. A group folded into another (merged
   * templates) is no evidence of its own and skipped, and so is a group first seen more than {@code
   * lookback + lookahead} before its last occurrence: the log job re-publishes every group each
   * window it occurs in, most of them are old, and none of those can be new in the window of an
   * alert that starts now (its first messages, when it was new, were evidence). Unusable messages
   * go to the metrics dead-letter topic (stage {@code error-groups}). Idle for event time, like the
   * published anomalies.
   */
  public static DataStream<ServiceEvidence> publishedErrorGroups(
      StreamExecutionEnvironment env, VigilConfig config) {
    return readBack(
        env,
        config,
        config.get(VigilOptions.ERROR_GROUPS_TOPIC),
        "error-groups",
        "publishedErrorGroups",
        errorGroupDecoder(
            config.get(VigilOptions.ALERTMANAGER_LOOKBACK).toMillis()
                + config.get(VigilOptions.ALERTMANAGER_LOOKAHEAD).toMillis()),
        ServiceEvidence.class);
  }

  /**
   * What Vigil's jobs published to {@code topic} (a Kafka source of its own group, idle for event
   * time), decoded, or null when the topic is empty or can't be created; unusable messages go to
   * the metrics dead-letter topic with the stage {@code what}, which also names the operators' uids
   * ({@link AlertingUids#published}).
   */
  private static <T> DataStream<T> readBack(
      StreamExecutionEnvironment env,
      VigilConfig config,
      String topic,
      String what,
      String counter,
      RecordDecoder<T> decoder,
      Class<T> type) {
    if (topic.isEmpty() || !KafkaSources.ensureTopic(config, topic)) {
      return null;
    }
    OutputTag<DeadLetter> deadLetters =
        new OutputTag<>(
            "published-" + what + "-dead-letters", TypeInformation.of(DeadLetter.class));
    SingleOutputStreamOperator<T> decoded =
        env.fromSource(
                KafkaSources.raw(config, topic, config.get(VigilOptions.GROUP_ID) + "-" + what),
                IdleWatermarks.strategy(),
                "Published " + what)
            .uid(AlertingUids.published(what, "source"))
            .process(
                new DecodeFunction<>(what, counter, decoder, deadLetters), TypeInformation.of(type))
            .uid(AlertingUids.published(what, "parse"))
            .name("Parse published " + what);
    decoded
        .getSideOutput(deadLetters)
        .sinkTo(
            DeadLetterKafkaSink.create(
                config, config.get(VigilOptions.METRICS_DLQ_TOPIC), what + "-dlq"))
        .uid(AlertingUids.published(what, "dead-letter-sink"))
        .name("Published " + what + " dead letters");
    return decoded;
  }

  static RecordDecoder.Decoded<ServiceEvidence> decodeAlert(RawRecord raw) {
    AlertJsonCodec.Decoded d = AlertJsonCodec.decode(raw.value());
    if (d.transition() == null) {
      return new RecordDecoder.Decoded<>(List.of(), List.of(d.error()));
    }
    return new RecordDecoder.Decoded<>(
        AlertAnalysis.raised(d.transition())
            ? List.of(ServiceEvidence.of(d.transition()))
            : List.of(),
        List.of());
  }

  /**
   * The error groups of the topic that can be new around an alert ({@link #publishedErrorGroups}).
   */
  static RecordDecoder<ServiceEvidence> errorGroupDecoder(long horizon) {
    return raw -> {
      ErrorGroupJsonCodec.Result r = ErrorGroupJsonCodec.decode(raw.value());
      if (r.group() == null) {
        return new RecordDecoder.Decoded<>(List.of(), List.of(r.error()));
      }
      ErrorGroupRow g = r.group();
      boolean evidence = g.mergedInto() == null && g.lastSeen() - g.firstSeen() <= horizon;
      return new RecordDecoder.Decoded<>(
          evidence ? List.of(ServiceEvidence.of(g)) : List.of(), List.of());
    };
  }

  static RecordDecoder.Decoded<Anomaly> decodeAnomaly(RawRecord raw) {
    AnomalyJsonCodec.Result r = AnomalyJsonCodec.decode(raw.value());
    return r.anomaly() != null
        ? new RecordDecoder.Decoded<>(List.of(r.anomaly()), List.of())
        : new RecordDecoder.Decoded<>(List.of(), List.of(r.error()));
  }

  /** Wires the stage with the production sinks of a configuration. */
  public static DataStream<IncomingAlertRow> build(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      DataStream<Anomaly> anomalies,
      DataStream<ServiceEvidence> vigilAlerts,
      BroadcastStream<ControlSnapshot> control,
      VigilConfig config) {
    return build(
        env,
        source,
        anomalies,
        vigilAlerts,
        control,
        new ControlPlanePoller(
            config.get(VigilOptions.PG_URL),
            config.get(VigilOptions.PG_USER),
            config.get(VigilOptions.PG_PASSWORD)),
        Settings.from(config),
        IncomingAlertsJdbcSink.create(config),
        DeadLetterKafkaSink.create(
            config, config.get(VigilOptions.METRICS_DLQ_TOPIC), "alertmanager-dlq"),
        config.get(VigilOptions.ALERTMANAGER_TOPIC),
        ServiceCatalogPostgresSink.create(config));
  }

  /** Alertmanager's notifications decoded: the alerts, and a reason per unusable one. */
  static RecordDecoder<IncomingAlert> decoder(Settings settings) {
    AlertmanagerCodec codec = new AlertmanagerCodec(settings.defaultTenant());
    return raw -> {
      AlertmanagerCodec.Result r = codec.decode(raw.value(), raw.kafkaTimestamp());
      return new RecordDecoder.Decoded<>(r.alerts(), r.errors());
    };
  }

  /**
   * Wires the stage; the rows are returned for callers that want more sinks. The alerts are
   * explained with {@code anomalies} and with more evidence on their service ({@code vigilAlerts}:
   * the alerts Vigil's own rules raised, {@link #raisedAlerts}, {@link #publishedAlerts}, and the
   * log job's error groups, {@link #publishedErrorGroups}; null when there is none). Alertmanager
   * is registered as the tenants' data source {@code alertmanager-webhook via <topic>} in {@code
   * catalog}, and each alerted service with the signal {@code alerts}.
   */
  public static DataStream<IncomingAlertRow> build(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      DataStream<Anomaly> anomalies,
      DataStream<ServiceEvidence> vigilAlerts,
      BroadcastStream<ControlSnapshot> control,
      ControlBootstrap bootstrap,
      Settings settings,
      Sink<IncomingAlertRow> rows,
      Sink<DeadLetter> deadLetters,
      String topic,
      Sink<ServiceSighting> catalog) {
    // Notifications are not events in Vigil's clock: idle for event time, never holding it back.
    SingleOutputStreamOperator<IncomingAlert> alerts =
        env.fromSource(source, IdleWatermarks.strategy(), "Alertmanager notifications")
            .uid(AlertingUids.ALERTMANAGER_SOURCE)
            .process(
                new DecodeFunction<>(
                    "alertmanager", "alertmanagerAlerts", decoder(settings), DEAD_LETTERS),
                TypeInformation.of(IncomingAlert.class))
            .uid(AlertingUids.ALERTMANAGER_PARSE)
            .name("Parse Alertmanager alerts");
    alerts
        .getSideOutput(DEAD_LETTERS)
        .sinkTo(deadLetters)
        .uid(AlertingUids.ALERTMANAGER_DEAD_LETTERS)
        .name("Alertmanager dead letters");
    ServiceCatalog.track(
        alerts
            .map(
                a -> Parsed.of(a, a.startsAt(), WireFormat.ALERTMANAGER_WEBHOOK),
                Parsed.typeInfo(TypeInformation.of(IncomingAlert.class)))
            .uid(AlertingUids.ALERTMANAGER_SIGHTINGS_INPUT)
            .name("Alertmanager alerts as sightings"),
        "alertmanager",
        "alerts",
        topic,
        new ServiceCatalog.AlertmanagerAlerts(),
        catalog);
    TypeInformation<ServiceEvidence> evidenceType = TypeInformation.of(ServiceEvidence.class);
    DataStream<ServiceEvidence> evidence =
        anomalies
            .map(ServiceEvidence::of, evidenceType)
            .uid(AlertingUids.ALERTMANAGER_ANOMALY_EVIDENCE)
            .name("Anomalies as evidence");
    if (vigilAlerts != null) {
      evidence = evidence.union(vigilAlerts);
    }
    DataStream<IncomingAlertRow> out =
        alerts
            .connect(control)
            .process(
                new AnalyzeRuleFunction(settings.defaultAction(), bootstrap),
                TypeInformation.of(IncomingAlert.class))
            .uid(AlertingUids.ALERTMANAGER_RULES)
            .name("Auto-analyze rules")
            .keyBy(IncomingAlert::serviceKey)
            .connect(evidence.keyBy(ServiceEvidence::serviceKey))
            .process(
                new IncomingAlertAnalysisFunction(
                    settings.lookback(), settings.lookahead(), settings.retention()),
                TypeInformation.of(IncomingAlertRow.class))
            .uid(AlertingUids.ALERTMANAGER_ANALYSIS)
            .name("Deduplicate and analyse Alertmanager alerts");
    out.sinkTo(rows)
        .uid(AlertingUids.ALERTMANAGER_JDBC_SINK)
        .name("Alertmanager alerts to PostgreSQL");
    return out;
  }
}
