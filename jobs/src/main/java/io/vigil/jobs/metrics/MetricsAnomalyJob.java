package io.vigil.jobs.metrics;

import io.vigil.common.codec.MetricCodec;
import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.detect.DetectorFactory;
import io.vigil.common.detect.SeverityMapping;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Feedback;
import io.vigil.common.model.Histograms;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.model.ScoredPoint;
import io.vigil.jobs.alerts.AlertingConfig;
import io.vigil.jobs.alerts.AlertingOutputs;
import io.vigil.jobs.alerts.AlertingPipeline;
import io.vigil.jobs.alerts.incoming.IncomingAlertsPipeline;
import io.vigil.jobs.alerts.incoming.ServiceEvidence;
import io.vigil.jobs.alerts.notify.ChannelConfig;
import io.vigil.jobs.alerts.notify.ChannelsFile;
import io.vigil.jobs.catalog.ServiceCatalog;
import io.vigil.jobs.config.Cli;
import io.vigil.jobs.config.DetectorChoice;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.IdleWatermarks;
import io.vigil.jobs.core.Parsed;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.RecordDecoder;
import io.vigil.jobs.core.SplitParsedFunction;
import io.vigil.jobs.db.Migrations;
import io.vigil.jobs.db.ModelRegistry;
import io.vigil.jobs.metrics.functions.CounterRateFunction;
import io.vigil.jobs.metrics.functions.DetectionSettings;
import io.vigil.jobs.metrics.functions.HistogramQuantileFunction;
import io.vigil.jobs.metrics.functions.LateToDeadLetterFunction;
import io.vigil.jobs.metrics.functions.ParseFeedbackFunction;
import io.vigil.jobs.metrics.functions.ScoreSeriesFunction;
import io.vigil.jobs.sink.AnomalyKafkaSink;
import io.vigil.jobs.sink.AnomalyPostgresSink;
import io.vigil.jobs.sink.DeadLetterKafkaSink;
import io.vigil.jobs.sink.FeedbackPostgresSink;
import io.vigil.jobs.sink.InfluxDbSink;
import io.vigil.jobs.sink.InfluxSettings;
import io.vigil.jobs.sink.ServiceCatalogPostgresSink;
import io.vigil.jobs.source.DecodingSource;
import io.vigil.jobs.source.KafkaSources;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads metric JSON from Kafka, scores every point with its series' online detector, writes every
 * score to InfluxDB, anomalies to PostgreSQL and unusable records to a dead-letter topic.
 */
public final class MetricsAnomalyJob {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsAnomalyJob.class);

  private MetricsAnomalyJob() {}

  /** Where the job's results go; {@code points} may be null when InfluxDB is not configured. */
  public record Sinks(
      Sink<ScoredPoint> points,
      Sink<Anomaly> anomalies,
      Sink<DeadLetter> deadLetters,
      Sink<Feedback> feedback) {

    /** The production sinks for a configuration. */
    public static Sinks from(VigilConfig config) {
      InfluxSettings influx = InfluxSettings.from(config);
      return new Sinks(
          influx.url().isEmpty() ? null : new InfluxDbSink(influx),
          AnomalyPostgresSink.create(config),
          DeadLetterKafkaSink.create(
              config, config.get(VigilOptions.METRICS_DLQ_TOPIC), "metrics-dlq"),
          FeedbackPostgresSink.create(config));
    }
  }

  /** The job's inputs: metric records and, optionally (null), on-call feedback records. */
  public record Sources(Source<RawRecord, ?, ?> metrics, Source<RawRecord, ?, ?> feedback) {

    /** The Kafka topics of a configuration. */
    public static Sources from(VigilConfig config) {
      String feedbackTopic = config.get(VigilOptions.FEEDBACK_TOPIC);
      String group = config.get(VigilOptions.GROUP_ID);
      return new Sources(
          KafkaSources.raw(config, config.get(VigilOptions.METRICS_TOPIC), group),
          // optional input: without the topic (and no right to create it) run without feedback
          feedbackTopic.isEmpty() || !KafkaSources.ensureTopic(config, feedbackTopic)
              ? null
              : KafkaSources.raw(config, feedbackTopic, group + "-feedback"));
    }
  }

  public static void main(String[] args) throws Exception {
    VigilConfig config = Cli.configOrExit(args);
    LOG.info("Vigil metrics job starting with {}", config);
    prepareDatabase(config);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(flinkConfiguration(config));
    Outputs outputs = buildPipeline(env, Sources.from(config), Sinks.from(config), config);
    AnomalyKafkaSink.publish(outputs.anomalies(), config, "metrics");
    if (config.get(VigilOptions.ALERTING_ENABLED)) {
      buildAlerting(env, outputs, config);
    }
    env.execute("Vigil metrics anomaly detection");
  }

  /**
   * Wires alerting on the pipeline's outputs: the rules (a bounded, backfill run reads them once at
   * start; an unbounded one polls them) and, when its topic is set, Alertmanager's alerts explained
   * with the anomalies (not in a bounded run: that input never ends).
   */
  public static AlertingOutputs buildAlerting(
      StreamExecutionEnvironment env, Outputs outputs, VigilConfig config) {
    boolean bounded = config.get(VigilOptions.BOUNDED);
    AlertingOutputs alerting =
        AlertingPipeline.build(
            env, outputs.points(), outputs.anomalies(), alertingConfig(config), bounded);
    AlertingPipeline.deadLetterLateEvents(
        alerting,
        DeadLetterKafkaSink.create(
            config, config.get(VigilOptions.METRICS_DLQ_TOPIC), "alerting-dlq"));
    var alertmanager = bounded ? null : IncomingAlertsPipeline.source(config);
    if (alertmanager != null) {
      // the service's log anomalies and drift, from the other jobs, explain its alerts too
      DataStream<Anomaly> evidence = outputs.anomalies();
      DataStream<Anomaly> published = IncomingAlertsPipeline.publishedAnomalies(env, config);
      if (published != null) {
        evidence = evidence.union(published);
      }
      // and so do the alerts Vigil's own rules raised on it, this job's and the other jobs'
      // (read back from the alerts topic): the same incident, seen twice
      DataStream<ServiceEvidence> more =
          IncomingAlertsPipeline.raisedAlerts(alerting.transitions());
      // and the errors the service's logs show for the first time around the alert
      for (DataStream<ServiceEvidence> other :
          java.util.Arrays.asList(
              IncomingAlertsPipeline.publishedAlerts(env, config),
              IncomingAlertsPipeline.publishedErrorGroups(env, config))) {
        if (other != null) {
          more = more.union(other);
        }
      }
      IncomingAlertsPipeline.build(env, alertmanager, evidence, more, alerting.control(), config);
    }
    return alerting;
  }

  /** Applies migrations when asked to and registers the configured detector in ml_models. */
  public static void prepareDatabase(VigilConfig config) throws java.sql.SQLException {
    if (config.get(VigilOptions.PG_MIGRATE)) {
      int n = Migrations.migrate(config);
      LOG.info("Applied {} migration(s)", n);
    }
    ModelRegistry.register(config, detector(config));
  }

  /** Flink settings every Vigil job runs with: exactly-once checkpoints, no Kryo, explicit uids. */
  public static Configuration flinkConfiguration(VigilConfig config) {
    Configuration c = new Configuration();
    c.set(PipelineOptions.GENERIC_TYPES, false);
    c.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
    c.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(VigilOptions.CHECKPOINT_INTERVAL));
    c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    if (!config.get(VigilOptions.CHECKPOINT_DIR).isEmpty()) {
      c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(VigilOptions.CHECKPOINT_DIR));
    }
    if (config.get(VigilOptions.PARALLELISM) > 0) {
      c.set(
          org.apache.flink.configuration.CoreOptions.DEFAULT_PARALLELISM,
          config.get(VigilOptions.PARALLELISM));
    }
    return c;
  }

  /** The configured detector factory. */
  public static DetectorFactory detector(VigilConfig config) {
    return DetectorChoice.byName(config.get(VigilOptions.DETECTOR));
  }

  /**
   * What the pipeline produces for downstream stages such as alerting: event-timed points,
   * anomalies.
   */
  public record Outputs(DataStream<MetricPoint> points, DataStream<Anomaly> anomalies) {}

  /**
   * The alerting settings of a configuration: connections and channels from it, timings default.
   */
  public static AlertingConfig alertingConfig(VigilConfig c) {
    String file = c.get(VigilOptions.ALERTING_CHANNELS_FILE);
    List<ChannelConfig> channels =
        file.isEmpty() ? List.of() : ChannelsFile.load(Path.of(file), System.getenv());
    return AlertingConfig.defaults(
            c.get(VigilOptions.KAFKA_BOOTSTRAP),
            c.get(VigilOptions.PG_URL),
            c.get(VigilOptions.PG_USER),
            c.get(VigilOptions.PG_PASSWORD))
        .withAlertsTopic(c.get(VigilOptions.ALERTS_TOPIC))
        .withLateTolerance(c.get(VigilOptions.ALERTING_LATE_TOLERANCE))
        .withChannels(channels.toArray(ChannelConfig[]::new));
  }

  /** {@code input.tenants} as a set; empty accepts every tenant. Used by the log job too. */
  public static java.util.Set<String> tenants(VigilConfig config) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String t : config.get(VigilOptions.TENANTS).split(",")) {
      if (!t.isBlank()) {
        out.add(t.trim());
      }
    }
    return out;
  }

  /** How metric messages are decoded: formats, defaults and limits from the config. */
  public static MetricCodec.Settings codecSettings(VigilConfig config) {
    return new MetricCodec.Settings(
        new MetricJsonCodec.Limits(
            config.get(VigilOptions.MAX_MESSAGE_BYTES),
            config.epochMillis(VigilOptions.MIN_TIMESTAMP),
            config.epochMillis(VigilOptions.MAX_TIMESTAMP),
            tenants(config)),
        MetricCodec.Input.valueOf(config.get(VigilOptions.METRICS_INPUT).toUpperCase()),
        config.get(VigilOptions.METRICS_DEFAULT_TENANT).trim(),
        config.get(VigilOptions.METRICS_DEFAULT_SOURCE).trim(),
        java.util.Arrays.stream(config.get(VigilOptions.METRICS_CUMULATIVE).split(","))
            .map(String::trim)
            .filter(g -> !g.isEmpty())
            .toList(),
        config.histogramQuantiles().length > 0);
  }

  /** Wires the job; sources and sinks are injected so tests and the demo can swap them. */
  public static Outputs buildPipeline(
      StreamExecutionEnvironment env, Sources sources, Sinks sinks, VigilConfig config) {
    MetricCodec codec = new MetricCodec(codecSettings(config));
    // Decoded inside the source so that every Kafka partition has its own watermark.
    RecordDecoder<MetricPoint> decoder =
        raw -> {
          MetricJsonCodec.Result result = codec.decode(raw.value(), raw.kafkaTimestamp());
          return new RecordDecoder.Decoded<>(result.points(), result.errors(), result.format());
        };
    TypeInformation<MetricPoint> pointType = TypeInformation.of(MetricPoint.class);
    DataStream<Parsed<MetricPoint>> records =
        env.fromSource(
                new DecodingSource<>(sources.metrics(), decoder, MetricPoint::timestamp, pointType),
                DecodingSource.<MetricPoint>watermarks(config),
                "Metric records")
            .uid(MetricsJobUids.SOURCE);
    SingleOutputStreamOperator<MetricPoint> points =
        records
            .process(
                new SplitParsedFunction<>(MetricsJobTags.DEAD_LETTERS, "pointsParsed", pointType))
            .uid(MetricsJobUids.PARSE)
            .name("Parsed metric points");
    ServiceCatalog.track(
        records,
        "metrics",
        "metrics",
        config.get(VigilOptions.METRICS_TOPIC),
        new ServiceCatalog.MetricPoints(),
        ServiceCatalogPostgresSink.create(config));
    // Histogram buckets become quantiles (unless none are asked for), running totals become rates,
    // before anything scores or alerts on them. A histogram's or summary's series (buckets,
    // quantiles, _count and _sum its sender did not type) go through one step keyed by family
    // first: it estimates the quantiles and marks the totals as running totals (with no quantiles
    // asked for it still marks the totals, and the buckets go on as rates).
    SingleOutputStreamOperator<MetricPoint> family =
        points
            .filter(Histograms::isFamilyMember)
            .uid(MetricsJobUids.HISTOGRAM_BUCKETS)
            .name("Histogram and summary series")
            .keyBy(Histograms::familyKey)
            .process(
                new HistogramQuantileFunction(
                    MetricsJobTags.DEAD_LETTERS,
                    config.histogramQuantiles(),
                    config.get(VigilOptions.SERIES_TTL).toMillis()))
            .uid(MetricsJobUids.HISTOGRAM_QUANTILES)
            .name("Histogram quantiles");
    DataStream<MetricPoint> counters =
        points
            .filter(p -> p.cumulative() && !Histograms.isFamilyMember(p))
            .uid(MetricsJobUids.COUNTERS)
            .name("Counter readings")
            .union(
                family
                    .filter(MetricPoint::cumulative)
                    .uid(MetricsJobUids.HISTOGRAM_TOTALS)
                    .name("Histogram and summary totals"));
    DataStream<MetricPoint> gauges =
        points
            .filter(p -> !p.cumulative() && !Histograms.isFamilyMember(p))
            .uid(MetricsJobUids.GAUGES)
            .name("Gauge readings")
            .union(
                family
                    .filter(p -> !p.cumulative())
                    .uid(MetricsJobUids.HISTOGRAM_GAUGES)
                    .name("Histogram quantiles and summary series"));
    SingleOutputStreamOperator<MetricPoint> rates =
        counters
            .keyBy(MetricPoint::series)
            .process(
                new CounterRateFunction(
                    MetricsJobTags.DEAD_LETTERS, config.get(VigilOptions.SERIES_TTL).toMillis()))
            .uid(MetricsJobUids.COUNTER_RATES)
            .name("Counter rates");
    DataStream<MetricPoint> measured = gauges.union(rates);
    SingleOutputStreamOperator<Feedback> feedback = feedback(env, sources, points);
    SingleOutputStreamOperator<ScoredPoint> scored =
        measured
            .keyBy(MetricPoint::series)
            .connect(feedback.keyBy(Feedback::series))
            .process(
                new ScoreSeriesFunction(
                    detector(config),
                    settings(config),
                    MetricsJobTags.ANOMALIES,
                    MetricsJobTags.LATE,
                    MetricsJobTags.APPLIED_FEEDBACK))
            .uid(MetricsJobUids.SCORE)
            .name("Score series");
    DataStream<DeadLetter> late =
        scored
            .getSideOutput(MetricsJobTags.LATE)
            .map(new LateToDeadLetterFunction())
            .uid(MetricsJobUids.LATE_TO_DEAD_LETTERS)
            .name("Late points as dead letters");
    DataStream<DeadLetter> deadLetters =
        points
            .getSideOutput(MetricsJobTags.DEAD_LETTERS)
            .union(
                late,
                feedback.getSideOutput(MetricsJobTags.DEAD_LETTERS),
                rates.getSideOutput(MetricsJobTags.DEAD_LETTERS),
                family.getSideOutput(MetricsJobTags.DEAD_LETTERS));
    deadLetters
        .sinkTo(sinks.deadLetters())
        .uid(MetricsJobUids.DEAD_LETTER_SINK)
        .name("Dead letters");
    if (sinks.points() != null) {
      scored.sinkTo(sinks.points()).uid(MetricsJobUids.POINTS_SINK).name("InfluxDB data_points");
    }
    if (sinks.feedback() != null) {
      scored
          .getSideOutput(MetricsJobTags.APPLIED_FEEDBACK)
          .sinkTo(sinks.feedback())
          .uid(MetricsJobUids.FEEDBACK_SINK)
          .name("PostgreSQL feedback");
    }
    DataStream<Anomaly> anomalies = scored.getSideOutput(MetricsJobTags.ANOMALIES);
    anomalies
        .sinkTo(sinks.anomalies())
        .uid(MetricsJobUids.ANOMALIES_SINK)
        .name("PostgreSQL anomalies");
    return new Outputs(measured, anomalies);
  }

  /**
   * Parsed feedback; without a feedback source, an empty stream so the topology stays the same.
   * Either way the input is idle for event time ({@link IdleWatermarks}): feedback must never hold
   * back the points' watermark.
   */
  private static SingleOutputStreamOperator<Feedback> feedback(
      StreamExecutionEnvironment env, Sources sources, DataStream<MetricPoint> points) {
    DataStream<RawRecord> raw =
        sources.feedback() == null
            ? points
                .filter(p -> false)
                .uid(MetricsJobUids.FEEDBACK_SOURCE)
                .name("No feedback")
                .map(p -> new RawRecord("", 0, 0, 0, new byte[0]))
                .uid(MetricsJobUids.FEEDBACK_SOURCE + "-none")
                .returns(RawRecord.class)
                .assignTimestampsAndWatermarks(IdleWatermarks.<RawRecord>strategy())
                .uid(MetricsJobUids.FEEDBACK_SOURCE + "-idle")
                .name("No feedback: idle for event time")
            : env.fromSource(sources.feedback(), IdleWatermarks.strategy(), "Feedback records")
                .uid(MetricsJobUids.FEEDBACK_SOURCE);
    return raw.process(new ParseFeedbackFunction(MetricsJobTags.DEAD_LETTERS))
        .uid(MetricsJobUids.PARSE_FEEDBACK)
        .name("Parse feedback");
  }

  /** The detection settings of a configuration (the log job shares the severity mapping). */
  public static DetectionSettings settings(VigilConfig c) {
    return new DetectionSettings(
        new SeverityMapping(
            c.get(VigilOptions.THRESHOLD),
            c.get(VigilOptions.SEVERITY_MEDIUM),
            c.get(VigilOptions.SEVERITY_HIGH),
            c.get(VigilOptions.SEVERITY_CRITICAL)),
        c.get(VigilOptions.DROPOUT_FACTOR),
        c.get(VigilOptions.DROPOUT_MIN_GAP).toMillis(),
        c.get(VigilOptions.SERIES_TTL).toMillis(),
        c.get(VigilOptions.FEEDBACK_STEP),
        c.get(VigilOptions.MAX_THRESHOLD_SHIFT));
  }
}
