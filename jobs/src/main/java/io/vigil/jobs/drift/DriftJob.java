package io.vigil.jobs.drift;

import io.vigil.common.drift.DriftDiff;
import io.vigil.common.drift.InfraStateCodec;
import io.vigil.common.drift.ResourceState;
import io.vigil.common.model.Anomaly;
import io.vigil.jobs.alerts.AlertingOutputs;
import io.vigil.jobs.alerts.AlertingPipeline;
import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.DecodeFunction;
import io.vigil.jobs.core.IdleWatermarks;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.RecordDecoder;
import io.vigil.jobs.db.Migrations;
import io.vigil.jobs.metrics.MetricsAnomalyJob;
import io.vigil.jobs.sink.AnomalyKafkaSink;
import io.vigil.jobs.sink.DeadLetterKafkaSink;
import io.vigil.jobs.source.KafkaSources;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Infrastructure drift: reads resource-state reports (what the code declares, what actually runs)
 * from Kafka, compares them per resource and keeps {@code drift_events} in PostgreSQL. See
 * DESIGN.md beside this class.
 */
public final class DriftJob {
  private static final Logger LOG = LoggerFactory.getLogger(DriftJob.class);

  static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("drift-dead-letters", TypeInformation.of(DeadLetter.class)) {};

  /** Stable operator uids; frozen once released (savepoints map by uid). */
  static final String SOURCE_UID = "drift-source";

  static final String PARSE_UID = "drift-parse";
  static final String COMPARE_UID = "drift-compare";
  static final String SINK_UID = "drift-events-jdbc-sink";
  static final String DEAD_LETTERS_UID = "drift-dead-letter-sink";
  static final String ANOMALIES_UID = "drift-anomalies-for-alerting";
  static final String ANOMALY_TIMES_UID = "drift-anomalies-wall-clock";
  static final String ANOMALIES_FOR_KAFKA_UID = "drift-anomalies-for-kafka";

  private DriftJob() {}

  public static void main(String[] args) throws Exception {
    VigilConfig config = Cli.configOrExit(args);
    LOG.info("Vigil drift job starting with {}", config);
    if (config.get(VigilOptions.PG_MIGRATE)) {
      LOG.info("Applied {} migration(s)", Migrations.migrate(config));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    SingleOutputStreamOperator<DriftRow> drift =
        buildPipeline(
            env,
            KafkaSources.raw(
                config,
                config.get(VigilOptions.INFRA_TOPIC),
                config.get(VigilOptions.INFRA_GROUP_ID)),
            DriftEventsJdbcSink.create(config),
            DeadLetterKafkaSink.create(
                config, config.get(VigilOptions.INFRA_DLQ_TOPIC), "drift-dlq"),
            config);
    publishAnomalies(drift, config);
    if (config.get(VigilOptions.ALERTING_ENABLED)) {
      buildAlerting(env, drift, config);
    }
    env.execute("Vigil infrastructure drift");
  }

  /**
   * Evaluates the alert rules of {@code alert_rules} on the drift events as anomalies ({@link
   * DriftAnomalies}: metric {@code drift}; rules on anomalies: severity, k within T, A then B),
   * with the same lifecycle, sinks and channels as the metrics job's alerting. A rule {@code
   * {scope: {metric: drift}, condition: {kind: anomaly, min_severity: critical}}} pages when a
   * security-critical property or a whole resource drifts.
   */
  public static AlertingOutputs buildAlerting(
      StreamExecutionEnvironment env, DataStream<DriftRow> drift, VigilConfig config) {
    AlertingOutputs alerting =
        AlertingPipeline.build(
            env,
            null,
            anomalies(drift, config.get(VigilOptions.METRICS_DEFAULT_TENANT)),
            MetricsAnomalyJob.alertingConfig(config),
            config.get(VigilOptions.BOUNDED));
    AlertingPipeline.deadLetterLateEvents(
        alerting,
        DeadLetterKafkaSink.create(
            config, config.get(VigilOptions.INFRA_DLQ_TOPIC), "drift-alerting-dlq"));
    return alerting;
  }

  /**
   * Publishes the open drift events as anomalies to {@code kafka.anomalies-topic} (nothing when it
   * is empty), where the metrics job's Alertmanager analysis finds them.
   */
  public static void publishAnomalies(DataStream<DriftRow> drift, VigilConfig config) {
    AnomalyKafkaSink.publish(
        drift
            .flatMap(asAnomalies(config.get(VigilOptions.METRICS_DEFAULT_TENANT)))
            .returns(TypeInformation.of(Anomaly.class))
            .uid(ANOMALIES_FOR_KAFKA_UID)
            .name("Drift events as anomalies for Kafka"),
        config,
        "drift");
  }

  /** The open drift events as anomalies of {@code tenant}, timed when found (wall clock). */
  public static DataStream<Anomaly> anomalies(DataStream<DriftRow> drift, String tenant) {
    return drift
        .flatMap(asAnomalies(tenant), TypeInformation.of(Anomaly.class))
        .uid(ANOMALIES_UID)
        .name("Drift events as anomalies")
        .assignTimestampsAndWatermarks(DriftAnomalies.wallClock())
        .uid(ANOMALY_TIMES_UID)
        .name("Drift anomalies: wall-clock event time");
  }

  private static FlatMapFunction<DriftRow, Anomaly> asAnomalies(String tenant) {
    return (DriftRow row, Collector<Anomaly> out) -> {
      Anomaly a = DriftAnomalies.of(row, tenant, System.currentTimeMillis());
      if (a != null) {
        out.collect(a);
      }
    };
  }

  /** Resource-state reports decoded: the states, and a reason per unusable report. */
  static RecordDecoder<ResourceState> decoder() {
    InfraStateCodec codec = new InfraStateCodec();
    return raw -> {
      InfraStateCodec.Result r = codec.decode(raw.value(), raw.kafkaTimestamp());
      return new RecordDecoder.Decoded<>(r.states(), r.errors());
    };
  }

  /** Wires the job; sources and sinks are injected so tests can swap them. */
  public static SingleOutputStreamOperator<DriftRow> buildPipeline(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      Sink<DriftRow> events,
      Sink<DeadLetter> deadLetters,
      VigilConfig config) {
    // Reports are compared in arrival order per resource (their own timestamps guard against
    // stale ones), so they never hold an event-time clock back.
    SingleOutputStreamOperator<ResourceState> states =
        env.fromSource(source, IdleWatermarks.strategy(), "Resource-state reports")
            .uid(SOURCE_UID)
            .process(
                new DecodeFunction<>("drift", "resourceStates", decoder(), DEAD_LETTERS),
                TypeInformation.of(ResourceState.class))
            .uid(PARSE_UID)
            .name("Parse resource states");
    states
        .getSideOutput(DEAD_LETTERS)
        .sinkTo(deadLetters)
        .uid(DEAD_LETTERS_UID)
        .name("Dead letters");
    SingleOutputStreamOperator<DriftRow> drift =
        states
            .keyBy(ResourceState::key)
            .process(
                new DriftFunction(
                    new DriftDiff(
                        config.get(VigilOptions.DRIFT_IGNORE_PATHS),
                        config.get(VigilOptions.DRIFT_SECURITY_PATHS),
                        config.get(VigilOptions.DRIFT_SECRET_PATHS)),
                    config.get(VigilOptions.DRIFT_UNMANAGED_AFTER).toMillis(),
                    config.get(VigilOptions.DRIFT_STATE_TTL).toMillis()),
                TypeInformation.of(DriftRow.class))
            .uid(COMPARE_UID)
            .name("Compare declared and actual state");
    drift.sinkTo(events).uid(SINK_UID).name("PostgreSQL drift_events");
    return drift;
  }
}
