package io.vigil.jobs.logs;

import io.vigil.common.codec.LogCodec;
import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.logs.LogWindowScorer;
import io.vigil.common.logs.SilenceModel;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.LogEvent;
import io.vigil.jobs.alerts.AlertingOutputs;
import io.vigil.jobs.alerts.AlertingPipeline;
import io.vigil.jobs.catalog.ServiceCatalog;
import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.Parsed;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.RecordDecoder;
import io.vigil.jobs.core.SplitParsedFunction;
import io.vigil.jobs.db.Migrations;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.logs.functions.FeatureWindow;
import io.vigil.jobs.logs.functions.LateLogToDeadLetterFunction;
import io.vigil.jobs.logs.functions.LogAnomaly;
import io.vigil.jobs.logs.functions.MineTemplatesFunction;
import io.vigil.jobs.logs.functions.MinedLog;
import io.vigil.jobs.logs.functions.ScoreLogWindowsFunction;
import io.vigil.jobs.logs.functions.TemplateRow;
import io.vigil.jobs.metrics.MetricsAnomalyJob;
import io.vigil.jobs.sink.AnomalyKafkaSink;
import io.vigil.jobs.sink.AnomalyPostgresSink;
import io.vigil.jobs.sink.DeadLetterKafkaSink;
import io.vigil.jobs.sink.ErrorGroupKafkaSink;
import io.vigil.jobs.sink.ErrorGroupPostgresSink;
import io.vigil.jobs.sink.FeatureWindowPostgresSink;
import io.vigil.jobs.sink.LogTemplatePostgresSink;
import io.vigil.jobs.sink.ServiceCatalogPostgresSink;
import io.vigil.jobs.source.DecodingSource;
import io.vigil.jobs.source.KafkaSources;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads logs from Kafka, mines their templates per (tenant, service), keeps templates and error
 * groups in PostgreSQL, computes per-service window features and scores them into log anomalies.
 */
public final class LogAnomalyJob {
  private static final Logger LOG = LoggerFactory.getLogger(LogAnomalyJob.class);

  private LogAnomalyJob() {}

  /**
   * Where the job's results go; {@code publishedErrorGroups} is the error-groups topic, or null
   * when none is published.
   */
  public record Sinks(
      Sink<TemplateRow> templates,
      Sink<ErrorGroupRow> errorGroups,
      Sink<ErrorGroupRow> publishedErrorGroups,
      Sink<FeatureWindow> featureWindows,
      Sink<LogAnomaly> anomalies,
      Sink<DeadLetter> deadLetters) {

    /** The production sinks for a configuration. */
    public static Sinks from(VigilConfig config) {
      return new Sinks(
          LogTemplatePostgresSink.create(config),
          ErrorGroupPostgresSink.create(config),
          ErrorGroupKafkaSink.create(config),
          FeatureWindowPostgresSink.create(config),
          AnomalyPostgresSink.forLogs(config),
          DeadLetterKafkaSink.create(config, config.get(VigilOptions.LOGS_DLQ_TOPIC), "logs-dlq"));
    }

    /**
     * The PostgreSQL sinks with the given dead-letter sink, publishing nothing to Kafka (the demo
     * prints its dead letters).
     */
    public static Sinks postgres(VigilConfig config, Sink<DeadLetter> deadLetters) {
      return new Sinks(
          LogTemplatePostgresSink.create(config),
          ErrorGroupPostgresSink.create(config),
          null,
          FeatureWindowPostgresSink.create(config),
          AnomalyPostgresSink.forLogs(config),
          deadLetters);
    }
  }

  public static void main(String[] args) throws Exception {
    VigilConfig config = Cli.configOrExit(args);
    LOG.info("Vigil log job starting with {}", config);
    prepareDatabase(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(MetricsAnomalyJob.flinkConfiguration(config));
    Source<RawRecord, ?, ?> source =
        KafkaSources.raw(
            config, config.get(VigilOptions.LOGS_TOPIC), config.get(VigilOptions.LOGS_GROUP_ID));
    SingleOutputStreamOperator<FeatureWindow> windows =
        buildPipeline(env, source, Sinks.from(config), config);
    publishAnomalies(windows, config);
    if (config.get(VigilOptions.ALERTING_ENABLED)) {
      buildAlerting(env, windows, config);
    }
    env.execute("Vigil log anomaly detection");
  }

  /**
   * Evaluates the alert rules of {@code alert_rules} on the log anomalies (rules on anomalies:
   * severity, k within T, A then B; a rule scoped to {@code metric: logs} sees only these), with
   * the same lifecycle, sinks and channels as the metrics job's alerting. A bounded run reads the
   * rules once at start, an unbounded one polls them.
   */
  public static AlertingOutputs buildAlerting(
      StreamExecutionEnvironment env,
      SingleOutputStreamOperator<FeatureWindow> windows,
      VigilConfig config) {
    AlertingOutputs alerting =
        AlertingPipeline.build(
            env,
            null,
            anomalies(windows),
            MetricsAnomalyJob.alertingConfig(config),
            config.get(VigilOptions.BOUNDED));
    AlertingPipeline.deadLetterLateEvents(
        alerting,
        DeadLetterKafkaSink.create(
            config, config.get(VigilOptions.LOGS_DLQ_TOPIC), "logs-alerting-dlq"));
    return alerting;
  }

  /**
   * The log anomalies of {@link #buildPipeline}'s windows as anomalies, timed as they were emitted
   * (a window's or a silence's timer), so a CEP pattern downstream never takes them for late.
   */
  public static DataStream<Anomaly> anomalies(SingleOutputStreamOperator<FeatureWindow> windows) {
    return windows
        .getSideOutput(LogJobTags.ANOMALIES)
        .map(LogAnomaly::anomaly, TypeInformation.of(Anomaly.class))
        .uid(LogJobUids.ANOMALIES_FOR_ALERTING)
        .name("Log anomalies for alerting");
  }

  /**
   * Publishes the log anomalies of {@link #buildPipeline}'s windows to {@code
   * kafka.anomalies-topic} (nothing when it is empty), where the metrics job's Alertmanager
   * analysis finds them.
   */
  public static void publishAnomalies(
      SingleOutputStreamOperator<FeatureWindow> windows, VigilConfig config) {
    AnomalyKafkaSink.publish(
        windows
            .getSideOutput(LogJobTags.ANOMALIES)
            .map(LogAnomaly::anomaly, TypeInformation.of(Anomaly.class))
            .uid(LogJobUids.ANOMALIES_FOR_KAFKA)
            .name("Log anomalies for Kafka"),
        config,
        "logs");
  }

  /** Applies migrations when asked to and registers the window scorer in ml_models. */
  public static void prepareDatabase(VigilConfig config) throws java.sql.SQLException {
    if (config.get(VigilOptions.PG_MIGRATE)) {
      LOG.info("Applied {} migration(s)", Migrations.migrate(config));
    }
    ModelRegistry.register(
        config, LogWindowScorer.ALGORITHM, LogWindowScorer.VERSION, scorerParams(config));
    ModelRegistry.register(
        config,
        SilenceModel.ALGORITHM,
        SilenceModel.VERSION,
        java.util.Map.of("alpha", SilenceModel.DEFAULT_ALPHA, "usualHoursLookbackDays", 1));
  }

  /** Wires the job; sources and sinks are injected so tests and the demo can swap them. */
  public static SingleOutputStreamOperator<FeatureWindow> buildPipeline(
      StreamExecutionEnvironment env,
      Source<RawRecord, ?, ?> source,
      Sinks sinks,
      VigilConfig config) {
    long window = config.get(VigilOptions.LOGS_WINDOW).toMillis();
    long ttl = config.get(VigilOptions.LOGS_STATE_TTL).toMillis();
    // Decoded inside the source so that every Kafka partition has its own watermark.
    LogCodec codec = new LogCodec(codecSettings(config));
    RecordDecoder<LogEvent> decoder =
        raw -> {
          LogCodec.Result result = codec.decode(raw.value(), raw.kafkaTimestamp());
          return new RecordDecoder.Decoded<>(result.events(), result.errors(), result.format());
        };
    TypeInformation<LogEvent> eventType = TypeInformation.of(LogEvent.class);
    DataStream<Parsed<LogEvent>> records =
        env.fromSource(
                new DecodingSource<>(source, decoder, LogEvent::timestamp, eventType),
                DecodingSource.<LogEvent>watermarks(config),
                "Log records")
            .uid(LogJobUids.SOURCE);
    SingleOutputStreamOperator<LogEvent> events =
        records
            .process(new SplitParsedFunction<>(LogJobTags.DEAD_LETTERS, "logsParsed", eventType))
            .uid(LogJobUids.PARSE)
            .name("Parsed log events");
    ServiceCatalog.track(
        records,
        "logs",
        "logs",
        config.get(VigilOptions.LOGS_TOPIC),
        new ServiceCatalog.LogEvents(),
        ServiceCatalogPostgresSink.create(config));
    SingleOutputStreamOperator<MinedLog> mined =
        events
            .keyBy(LogEvent::scope)
            .process(
                new MineTemplatesFunction(
                    window, ttl, LogJobTags.TEMPLATES, LogJobTags.ERROR_GROUPS, LogJobTags.LATE))
            .uid(LogJobUids.MINE)
            .name("Mine templates");
    SingleOutputStreamOperator<FeatureWindow> windows =
        mined
            .keyBy(m -> LogEvent.scope(m.tenant(), m.service()))
            .process(
                new ScoreLogWindowsFunction(
                    window,
                    ttl,
                    scorerParams(config),
                    MetricsAnomalyJob.settings(config).severities(),
                    LogJobTags.ANOMALIES))
            .uid(LogJobUids.SCORE)
            .name("Score log windows");
    mined
        .getSideOutput(LogJobTags.TEMPLATES)
        .sinkTo(sinks.templates())
        .uid(LogJobUids.TEMPLATES_SINK)
        .name("PostgreSQL log_templates");
    mined
        .getSideOutput(LogJobTags.ERROR_GROUPS)
        .sinkTo(sinks.errorGroups())
        .uid(LogJobUids.ERROR_GROUPS_SINK)
        .name("PostgreSQL error_groups");
    if (sinks.publishedErrorGroups() != null) {
      mined
          .getSideOutput(LogJobTags.ERROR_GROUPS)
          .sinkTo(sinks.publishedErrorGroups())
          .uid(LogJobUids.ERROR_GROUPS_KAFKA_SINK)
          .name("Error groups to Kafka");
    }
    windows
        .sinkTo(sinks.featureWindows())
        .uid(LogJobUids.FEATURE_WINDOWS_SINK)
        .name("PostgreSQL feature_windows");
    windows
        .getSideOutput(LogJobTags.ANOMALIES)
        .sinkTo(sinks.anomalies())
        .uid(LogJobUids.ANOMALIES_SINK)
        .name("PostgreSQL log anomalies");
    events
        .getSideOutput(LogJobTags.DEAD_LETTERS)
        .union(
            mined
                .getSideOutput(LogJobTags.LATE)
                .map(new LateLogToDeadLetterFunction())
                .uid(LogJobUids.LATE_TO_DEAD_LETTERS)
                .name("Late logs as dead letters"))
        .sinkTo(sinks.deadLetters())
        .uid(LogJobUids.DEAD_LETTER_SINK)
        .name("Log dead letters");
    return windows;
  }

  static LogCodec.Settings codecSettings(VigilConfig c) {
    java.util.Set<String> tenants = MetricsAnomalyJob.tenants(c);
    String defaultTenant = c.get(VigilOptions.LOGS_DEFAULT_TENANT);
    if (!tenants.isEmpty() && !tenants.contains(defaultTenant)) {
      throw new IllegalArgumentException(
          "logs.default-tenant '"
              + defaultTenant
              + "' is not in input.tenants "
              + tenants
              + ": raw lines and records that name no tenant would all be dead letters; set"
              + " logs.default-tenant to one of them or add it to input.tenants");
    }
    return new LogCodec.Settings(
        new MetricJsonCodec.Limits(
            c.get(VigilOptions.MAX_MESSAGE_BYTES),
            c.epochMillis(VigilOptions.MIN_TIMESTAMP),
            c.epochMillis(VigilOptions.MAX_TIMESTAMP),
            tenants),
        LogCodec.Input.valueOf(c.get(VigilOptions.LOGS_INPUT).toUpperCase(Locale.ROOT)),
        c.get(VigilOptions.LOGS_RAW_FORMAT),
        defaultTenant,
        c.get(VigilOptions.LOGS_DEFAULT_SERVICE));
  }

  static LogWindowScorer.Params scorerParams(VigilConfig c) {
    return new LogWindowScorer.Params(
        c.get(VigilOptions.LOGS_BASELINE_WINDOWS),
        c.get(VigilOptions.LOGS_WARMUP_WINDOWS),
        c.get(VigilOptions.LOGS_TOP_TEMPLATES),
        c.get(VigilOptions.LOGS_HALF_LIFE));
  }
}
