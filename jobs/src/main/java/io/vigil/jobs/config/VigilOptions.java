package io.vigil.jobs.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** Every option Vigil's jobs read, typed, with its default and a description for the README. */
public final class VigilOptions {
  private VigilOptions() {}

  // Kafka
  public static final ConfigOption<String> KAFKA_BOOTSTRAP =
      key("kafka.bootstrap-servers")
          .stringType()
          .defaultValue("127.0.0.1:9092")
          .withDescription("Kafka bootstrap servers.");
  public static final ConfigOption<String> METRICS_TOPIC =
      key("kafka.metrics-topic")
          .stringType()
          .defaultValue("vigil.metrics")
          .withDescription(
              "Topic of metric records: Vigil JSON, InfluxDB line protocol, Telegraf JSON, OTLP JSON or"
                  + " Prometheus samples (prometheus-kafka-adapter JSON).");
  public static final ConfigOption<String> METRICS_DLQ_TOPIC =
      key("kafka.metrics-dlq-topic")
          .stringType()
          .defaultValue("vigil.metrics.dlq")
          .withDescription("Dead-letter topic for metric records that can't be used.");
  public static final ConfigOption<String> METRICS_INPUT =
      key("metrics.input")
          .stringType()
          .defaultValue("auto")
          .withDescription(
              "How metric messages are decoded: auto (JSON by its keys: OTLP, Telegraf, Prometheus or"
                  + " Vigil; other text as InfluxDB line protocol), vigil, influx, telegraf, otlp or"
                  + " prometheus.");
  public static final ConfigOption<String> METRICS_CUMULATIVE =
      key("metrics.cumulative-metrics")
          .stringType()
          .defaultValue("")
          .withDescription(
              "Comma-separated metric names (* matches any text, e.g. '*_total,net_bytes_*') whose"
                  + " values are running totals: they are scored and alerted on as per-second rates."
                  + " OTLP cumulative monotonic sums and Prometheus' *_total counters and histogram"
                  + " buckets are without being listed, and so are the x_count and x_sum of a family that also has x_bucket or x{quantile}"
                  + " series.");
  public static final ConfigOption<String> METRICS_HISTOGRAM_QUANTILES =
      key("metrics.histogram-quantiles")
          .stringType()
          .defaultValue("0.5,0.9,0.99")
          .withDescription(
              "Comma-separated ranks in (0, 1) estimated from every histogram's buckets (x_bucket"
                  + " series with an le tag, from Prometheus or OTLP) as histogram_quantile of their"
                  + " increase, and scored as x{quantile=\"0.99\"}; the buckets themselves are then"
                  + " not scored, and an untyped x_count / x_sum of the family is scored as a"
                  + " per-second rate. Empty: no quantiles, every bucket scored as a per-second rate (the family's x_count and"
                  + " x_sum still are).");
  public static final ConfigOption<String> METRICS_DEFAULT_TENANT =
      key("metrics.default-tenant")
          .stringType()
          .defaultValue("default")
          .withDescription(
              "Tenant of points whose sender names none (line protocol, Telegraf, OTLP without a"
                  + " tenant tag or attribute).");
  public static final ConfigOption<String> METRICS_DEFAULT_SOURCE =
      key("metrics.default-source")
          .stringType()
          .defaultValue("unknown")
          .withDescription(
              "Source of points whose sender names none (no source, service.name, service, host or"
                  + " host.name tag).");
  public static final ConfigOption<String> GROUP_ID =
      key("kafka.group-id")
          .stringType()
          .defaultValue("vigil-metrics")
          .withDescription("Consumer group id (offsets are committed on checkpoints).");
  public static final ConfigOption<String> STARTING_OFFSETS =
      key("kafka.starting-offsets")
          .stringType()
          .defaultValue("committed-or-earliest")
          .withDescription(
              "Where a job without a checkpoint starts: committed-or-earliest, earliest, latest.");
  public static final ConfigOption<Boolean> BOUNDED =
      key("kafka.bounded")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Stop at the offsets that were latest when the job started (backfills, tests).");
  public static final ConfigOption<String> FEEDBACK_TOPIC =
      key("kafka.feedback-topic")
          .stringType()
          .defaultValue("vigil.feedback")
          .withDescription(
              "Topic of on-call feedback {anomaly_id, is_true_positive, series or tenant/source/metric/tags};"
                  + " empty disables it.");
  public static final ConfigOption<String> ALERTS_TOPIC =
      key("kafka.alerts-topic")
          .stringType()
          .defaultValue("vigil.alerts")
          .withDescription(
              "Topic every alert transition is published to (Alertmanager-like JSON).");
  public static final ConfigOption<String> ANOMALIES_TOPIC =
      key("kafka.anomalies-topic")
          .stringType()
          .defaultValue("vigil.anomalies")
          .withDescription(
              "Topic every job (metrics, logs, drift) publishes its anomalies to, as JSON keyed by"
                  + " tenant/service, in Kafka transactions that commit with the checkpoint (read"
                  + " it with isolation.level=read_committed; a job that reprocesses old input"
                  + " publishes those anomalies again under the same id). The metrics job's"
                  + " Alertmanager analysis reads it, so an alert is also explained by its"
                  + " service's log anomalies and infrastructure drift."
                  + " Empty disables it.");
  public static final ConfigOption<String> ERROR_GROUPS_TOPIC =
      key("kafka.error-groups-topic")
          .stringType()
          .defaultValue("vigil.error-groups")
          .withDescription(
              "Topic the log job publishes its error groups to whenever their figures change (at"
                  + " most once per log window), as JSON keyed by tenant/service, in Kafka"
                  + " transactions that commit with the checkpoint. The metrics job's Alertmanager"
                  + " analysis reads it, so an alert is also explained by the errors its service"
                  + " started logging around it. Empty disables it.");
  public static final ConfigOption<Boolean> ALERTING_ENABLED =
      key("alerting.enabled")
          .booleanType()
          .defaultValue(true)
          .withDescription(
              "Evaluate the alert rules of PostgreSQL alert_rules (polled, changes apply without restart;"
                  + " a bounded run reads them once at start).");
  public static final ConfigOption<String> ALERTING_CHANNELS_FILE =
      key("alerting.channels-file")
          .stringType()
          .defaultValue("")
          .withDescription(
              "YAML file of notification channels (webhook, slack, pagerduty, email); secrets by"
                  + " environment variable name (secret_env, url_env). Tenants' own channels come"
                  + " from the notification_channels table, re-read while the job runs; a rule's"
                  + " channel name is looked up there first.");
  public static final ConfigOption<Duration> ALERTING_LATE_TOLERANCE =
      key("alerting.late-tolerance")
          .durationType()
          .defaultValue(Duration.ofMinutes(2))
          .withDescription(
              "A rule event behind the watermark (a point or anomaly of a burst that resumed an idle"
                  + " input, or that an agent flushed after an outage) is still evaluated when it is"
                  + " newer than its series' last one and at most this far behind; later ones are"
                  + " dead letters. 0 drops every late event.");
  public static final ConfigOption<String> ALERTMANAGER_TOPIC =
      key("kafka.alertmanager-topic")
          .stringType()
          .defaultValue("vigil.alertmanager")
          .withDescription(
              "Topic of Prometheus Alertmanager webhook notifications (one JSON body per message);"
                  + " their alerts are deduplicated, recorded in alerts (origin alertmanager) and"
                  + " explained with the anomalies of their service. Needs alerting.enabled; empty"
                  + " disables it.");
  public static final ConfigOption<String> ALERTMANAGER_DEFAULT_ACTION =
      key("alertmanager.default-action")
          .stringType()
          .defaultValue("auto_analyze")
          .withDescription(
              "What happens to an Alertmanager alert no auto_analyze_rules row matches:"
                  + " auto_analyze, manual (recorded for a person) or ignore (recorded only).");
  public static final ConfigOption<Duration> ALERTMANAGER_LOOKBACK =
      key("alertmanager.lookback")
          .durationType()
          .defaultValue(Duration.ofHours(1))
          .withDescription(
              "How long before an Alertmanager alert started its service's anomalies explain it.");
  public static final ConfigOption<Duration> ALERTMANAGER_LOOKAHEAD =
      key("alertmanager.lookahead")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "How long after an alert started an anomaly still explains it (Vigil may find the"
                  + " change a few points after the alert rule fired); the analysis is updated.");
  public static final ConfigOption<Duration> ALERTMANAGER_RETENTION =
      key("alertmanager.state-ttl")
          .durationType()
          .defaultValue(Duration.ofDays(7))
          .withDescription(
              "Processing time after its last notification when an alert's deduplication state"
                  + " (and a quiet service's anomalies) is deleted; longer than Alertmanager's"
                  + " repeat_interval.");
  public static final ConfigOption<String> INFRA_TOPIC =
      key("kafka.infra-topic")
          .stringType()
          .defaultValue("vigil.infra")
          .withDescription(
              "Topic of resource-state reports for the drift job (declared by infrastructure as"
                  + " code, or actually running; key them by resource address).");
  public static final ConfigOption<String> INFRA_DLQ_TOPIC =
      key("kafka.infra-dlq-topic")
          .stringType()
          .defaultValue("vigil.infra.dlq")
          .withDescription("Dead-letter topic for resource-state reports that can't be used.");
  public static final ConfigOption<String> INFRA_GROUP_ID =
      key("kafka.infra-group-id")
          .stringType()
          .defaultValue("vigil-drift")
          .withDescription("Consumer group id of the drift job.");
  public static final ConfigOption<String> DRIFT_IGNORE_PATHS =
      key("drift.ignore-paths")
          .stringType()
          .defaultValue(io.vigil.common.drift.DriftDiff.DEFAULT_IGNORE)
          .withDescription(
              "Property paths (JSON pointers, comma-separated globs) that change on their own and"
                  + " are never drift.");
  public static final ConfigOption<String> DRIFT_SECURITY_PATHS =
      key("drift.security-paths")
          .stringType()
          .defaultValue(io.vigil.common.drift.DriftDiff.DEFAULT_SECURITY)
          .withDescription(
              "Property paths (globs) whose change is security-critical: severity at least"
                  + " critical (0.85).");
  public static final ConfigOption<String> DRIFT_SECRET_PATHS =
      key("drift.secret-paths")
          .stringType()
          .defaultValue(io.vigil.common.drift.DriftDiff.DEFAULT_SECRETS)
          .withDescription(
              "Property paths (globs) whose values are replaced by a short hash before they are"
                  + " stored.");
  public static final ConfigOption<Duration> DRIFT_UNMANAGED_AFTER =
      key("drift.unmanaged-after")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "A running resource the code has not declared this long after it was first"
                  + " reported is drift of type added (unmanaged); 0 never reports them.");
  public static final ConfigOption<Duration> DRIFT_STATE_TTL =
      key("drift.state-ttl")
          .durationType()
          .defaultValue(Duration.ofDays(30))
          .withDescription(
              "Processing time after a resource's last report when its state is deleted.");
  public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
      key("kafka.transactional-id-prefix")
          .stringType()
          .defaultValue("vigil-metrics")
          .withDescription(
              "Prefix of the Kafka transactional ids of exactly-once sinks; unique per job.");

  // Logs
  public static final ConfigOption<String> LOGS_TOPIC =
      key("kafka.logs-topic")
          .stringType()
          .defaultValue("vigil.logs")
          .withDescription(
              "Topic of log records: Vigil JSON lines, OpenTelemetry otlp_proto or otlp_json, or raw"
                  + " text lines.");
  public static final ConfigOption<String> LOGS_DLQ_TOPIC =
      key("kafka.logs-dlq-topic")
          .stringType()
          .defaultValue("vigil.logs.dlq")
          .withDescription("Dead-letter topic for log records that can't be used (and late ones).");
  public static final ConfigOption<String> LOGS_GROUP_ID =
      key("kafka.logs-group-id")
          .stringType()
          .defaultValue("vigil-logs")
          .withDescription("Consumer group id of the log job.");
  public static final ConfigOption<String> LOGS_INPUT =
      key("logs.input")
          .stringType()
          .defaultValue("auto")
          .withDescription(
              "How log messages are decoded: auto (JSON objects by their keys, else raw text),"
                  + " json, otlp or raw.");
  public static final ConfigOption<String> LOGS_RAW_FORMAT =
      key("logs.raw-format")
          .stringType()
          .defaultValue("<Content>")
          .withDescription(
              "Header format of raw text lines, e.g. '<Date> <Time> <Level> <Component>: <Content>';"
                  + " <Level>, <Tenant>, <Service>, <Timestamp> or <Date>+<Time> are understood,"
                  + " other fields become attributes. Lines that don't fit are dead letters.");
  public static final ConfigOption<String> LOGS_DEFAULT_TENANT =
      key("logs.default-tenant")
          .stringType()
          .defaultValue("default")
          .withDescription("Tenant of log records that name none (raw lines, most OTLP).");
  public static final ConfigOption<String> LOGS_DEFAULT_SERVICE =
      key("logs.default-service")
          .stringType()
          .defaultValue("unknown")
          .withDescription("Service of log records that name none (raw lines).");
  public static final ConfigOption<Duration> LOGS_WINDOW =
      key("logs.window")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription("Event-time tumbling window of the per-service log features.");
  public static final ConfigOption<Integer> LOGS_BASELINE_WINDOWS =
      key("logs.baseline-windows")
          .intType()
          .defaultValue(60)
          .withDescription("Windows of history the robust feature baseline (median, MAD) uses.");
  public static final ConfigOption<Integer> LOGS_WARMUP_WINDOWS =
      key("logs.warmup-windows")
          .intType()
          .defaultValue(10)
          .withDescription("Windows a service must have logged before its windows are scored.");
  public static final ConfigOption<Integer> LOGS_TOP_TEMPLATES =
      key("logs.baseline-top-templates")
          .intType()
          .defaultValue(100)
          .withDescription("Templates tracked in the decayed baseline distribution per service.");
  public static final ConfigOption<Double> LOGS_HALF_LIFE =
      key("logs.baseline-half-life-windows")
          .doubleType()
          .defaultValue(30.0)
          .withDescription("Half-life, in windows, of the baseline template distribution.");
  public static final ConfigOption<Duration> LOGS_STATE_TTL =
      key("logs.state-ttl")
          .durationType()
          .defaultValue(Duration.ofDays(7))
          .withDescription(
              "Event time after a service's last log when its templates, error groups and baseline"
                  + " are deleted.");
  public static final ConfigOption<Duration> FEATURE_WINDOWS_RETENTION =
      key("logs.feature-windows-retention")
          .durationType()
          .defaultValue(Duration.ofDays(30))
          .withDescription(
              "How long `vigil prune` keeps feature_windows rows (by window start; those an anomaly"
                  + " refers to are kept); 0 keeps them all.");

  // PostgreSQL
  public static final ConfigOption<String> PG_URL =
      key("postgres.url")
          .stringType()
          .defaultValue("jdbc:postgresql://127.0.0.1:5432/vigil")
          .withDescription("JDBC URL of the PostgreSQL database.");
  public static final ConfigOption<String> PG_USER =
      key("postgres.user").stringType().defaultValue("vigil").withDescription("PostgreSQL user.");
  public static final ConfigOption<String> PG_PASSWORD =
      key("postgres.password")
          .stringType()
          .defaultValue("")
          .withDescription(
              "PostgreSQL password; defaults to the environment variable VIGIL_PG_PASSWORD. Never logged.");
  public static final ConfigOption<Boolean> PG_MIGRATE =
      key("postgres.migrate-on-start")
          .booleanType()
          .defaultValue(false)
          .withDescription("Apply the Flyway migrations before the job starts.");
  public static final ConfigOption<Integer> PG_BATCH_SIZE =
      key("postgres.batch-size")
          .intType()
          .defaultValue(500)
          .withDescription("Rows per JDBC batch.");
  public static final ConfigOption<Integer> PG_MAX_RETRIES =
      key("postgres.max-retries")
          .intType()
          .defaultValue(5)
          .withDescription(
              "Retries of a failed JDBC batch before the job restarts from its checkpoint.");

  // InfluxDB
  public static final ConfigOption<String> INFLUX_URL =
      key("influxdb.url")
          .stringType()
          .defaultValue("")
          .withDescription(
              "InfluxDB 1.x URL, for example http://127.0.0.1:8086; empty disables the writes.");
  public static final ConfigOption<String> INFLUX_DB =
      key("influxdb.database")
          .stringType()
          .defaultValue("vigil")
          .withDescription("InfluxDB database.");
  public static final ConfigOption<String> INFLUX_RP =
      key("influxdb.retention-policy")
          .stringType()
          .defaultValue("vigil_30d")
          .withDescription("Retention policy created when absent and written to.");
  public static final ConfigOption<String> INFLUX_RETENTION =
      key("influxdb.retention")
          .stringType()
          .defaultValue("30d")
          .withDescription("Duration of that retention policy (InfluxQL duration).");
  public static final ConfigOption<String> INFLUX_USER =
      key("influxdb.user")
          .stringType()
          .defaultValue("")
          .withDescription("InfluxDB user, if auth is on.");
  public static final ConfigOption<String> INFLUX_PASSWORD =
      key("influxdb.password")
          .stringType()
          .defaultValue("")
          .withDescription("InfluxDB password; defaults to VIGIL_INFLUX_PASSWORD. Never logged.");
  public static final ConfigOption<Integer> INFLUX_BATCH =
      key("influxdb.batch-size")
          .intType()
          .defaultValue(5000)
          .withDescription(
              "Points per InfluxDB write; the buffer is also flushed on every checkpoint.");
  public static final ConfigOption<Integer> INFLUX_MAX_RETRIES =
      key("influxdb.max-retries")
          .intType()
          .defaultValue(8)
          .withDescription(
              "Retries of a failed write (exponential backoff) before the job restarts.");
  public static final ConfigOption<Duration> INFLUX_BACKOFF =
      key("influxdb.retry-backoff")
          .durationType()
          .defaultValue(Duration.ofMillis(500))
          .withDescription("First retry delay; doubles per attempt, capped at 30 s.");

  // Event time and input
  public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
      key("event-time.max-out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withDescription(
              "How far behind the newest event of its Kafka partition a record may arrive and still"
                  + " be used (watermarks are per partition).");
  public static final ConfigOption<Duration> IDLENESS =
      key("event-time.idleness")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription("A partition silent this long stops holding back the watermark.");
  public static final ConfigOption<Integer> MAX_MESSAGE_BYTES =
      key("input.max-message-bytes")
          .intType()
          .defaultValue(1 << 20)
          .withDescription("Larger messages go to the dead-letter topic.");
  public static final ConfigOption<String> MIN_TIMESTAMP =
      key("input.min-timestamp")
          .stringType()
          .defaultValue("2000-01-01T00:00:00Z")
          .withDescription("Earlier timestamps are rejected as absurd.");
  public static final ConfigOption<String> MAX_TIMESTAMP =
      key("input.max-timestamp")
          .stringType()
          .defaultValue("2100-01-01T00:00:00Z")
          .withDescription("Later timestamps are rejected as absurd.");
  public static final ConfigOption<String> TENANTS =
      key("input.tenants")
          .stringType()
          .defaultValue("")
          .withDescription(
              "Comma-separated tenants accepted (metrics and logs; raw log lines belong to"
                  + " logs.default-tenant); records of any other tenant go to the dead-letter"
                  + " topic. Empty accepts every tenant.");

  // Detection
  public static final ConfigOption<String> DETECTOR =
      key("detection.detector")
          .stringType()
          .defaultValue("ensemble")
          .withDescription(
              "Per-series detector: " + String.join(", ", DetectorChoice.names()) + ".");
  public static final ConfigOption<Double> THRESHOLD =
      key("detection.threshold")
          .doubleType()
          .defaultValue(0.4)
          .withDescription("Score from which a point is an anomaly (0.4 = tail probability 1e-4).");
  public static final ConfigOption<Double> SEVERITY_MEDIUM =
      key("detection.severity.medium")
          .doubleType()
          .defaultValue(0.6)
          .withDescription("Score from which an anomaly is medium (below: low).");
  public static final ConfigOption<Double> SEVERITY_HIGH =
      key("detection.severity.high")
          .doubleType()
          .defaultValue(0.8)
          .withDescription("Score from which an anomaly is high.");
  public static final ConfigOption<Double> SEVERITY_CRITICAL =
      key("detection.severity.critical")
          .doubleType()
          .defaultValue(0.95)
          .withDescription("Score from which an anomaly is critical.");
  public static final ConfigOption<Double> FEEDBACK_STEP =
      key("detection.feedback-step")
          .doubleType()
          .defaultValue(0.1)
          .withDescription(
              "A false alarm raises that series' threshold by this much; a confirmed anomaly lowers it back.");
  public static final ConfigOption<Double> MAX_THRESHOLD_SHIFT =
      key("detection.max-threshold-shift")
          .doubleType()
          .defaultValue(0.4)
          .withDescription("Most that feedback may raise a series' threshold.");
  public static final ConfigOption<Double> DROPOUT_FACTOR =
      key("detection.dropout-factor")
          .doubleType()
          .defaultValue(5.0)
          .withDescription(
              "A series silent for this many usual intervals is reported as a dropout.");
  public static final ConfigOption<Duration> DROPOUT_MIN_GAP =
      key("detection.dropout-min-gap")
          .durationType()
          .defaultValue(Duration.ofMinutes(2))
          .withDescription("Shortest silence reported as a dropout.");
  public static final ConfigOption<Duration> SERIES_TTL =
      key("detection.series-ttl")
          .durationType()
          .defaultValue(Duration.ofHours(6))
          .withDescription("Event time after its last point when a series' state is deleted.");

  // Runtime
  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      key("job.checkpoint-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Exactly-once checkpoint interval; sinks flush and commit on checkpoints.");
  public static final ConfigOption<String> CHECKPOINT_DIR =
      key("job.checkpoint-dir")
          .stringType()
          .defaultValue("")
          .withDescription(
              "Checkpoint storage URI (file:///..., s3://...); empty keeps the cluster's.");
  public static final ConfigOption<Integer> PARALLELISM =
      key("job.parallelism")
          .intType()
          .defaultValue(-1)
          .withDescription("Job parallelism; -1 keeps the cluster default.");

  /** All options, in README order. */
  public static final List<ConfigOption<?>> ALL =
      List.of(
          KAFKA_BOOTSTRAP,
          METRICS_TOPIC,
          METRICS_DLQ_TOPIC,
          METRICS_INPUT,
          METRICS_CUMULATIVE,
          METRICS_HISTOGRAM_QUANTILES,
          METRICS_DEFAULT_TENANT,
          METRICS_DEFAULT_SOURCE,
          GROUP_ID,
          STARTING_OFFSETS,
          BOUNDED,
          FEEDBACK_TOPIC,
          ALERTS_TOPIC,
          ANOMALIES_TOPIC,
          ERROR_GROUPS_TOPIC,
          ALERTING_ENABLED,
          ALERTING_CHANNELS_FILE,
          ALERTING_LATE_TOLERANCE,
          ALERTMANAGER_TOPIC,
          ALERTMANAGER_DEFAULT_ACTION,
          ALERTMANAGER_LOOKBACK,
          ALERTMANAGER_LOOKAHEAD,
          ALERTMANAGER_RETENTION,
          INFRA_TOPIC,
          INFRA_DLQ_TOPIC,
          INFRA_GROUP_ID,
          DRIFT_IGNORE_PATHS,
          DRIFT_SECURITY_PATHS,
          DRIFT_SECRET_PATHS,
          DRIFT_UNMANAGED_AFTER,
          DRIFT_STATE_TTL,
          TRANSACTIONAL_ID_PREFIX,
          LOGS_TOPIC,
          LOGS_DLQ_TOPIC,
          LOGS_GROUP_ID,
          LOGS_INPUT,
          LOGS_RAW_FORMAT,
          LOGS_DEFAULT_TENANT,
          LOGS_DEFAULT_SERVICE,
          LOGS_WINDOW,
          LOGS_BASELINE_WINDOWS,
          LOGS_WARMUP_WINDOWS,
          LOGS_TOP_TEMPLATES,
          LOGS_HALF_LIFE,
          LOGS_STATE_TTL,
          FEATURE_WINDOWS_RETENTION,
          PG_URL,
          PG_USER,
          PG_PASSWORD,
          PG_MIGRATE,
          PG_BATCH_SIZE,
          PG_MAX_RETRIES,
          INFLUX_URL,
          INFLUX_DB,
          INFLUX_RP,
          INFLUX_RETENTION,
          INFLUX_USER,
          INFLUX_PASSWORD,
          INFLUX_BATCH,
          INFLUX_MAX_RETRIES,
          INFLUX_BACKOFF,
          OUT_OF_ORDERNESS,
          IDLENESS,
          MAX_MESSAGE_BYTES,
          MIN_TIMESTAMP,
          MAX_TIMESTAMP,
          TENANTS,
          DETECTOR,
          THRESHOLD,
          SEVERITY_MEDIUM,
          SEVERITY_HIGH,
          SEVERITY_CRITICAL,
          FEEDBACK_STEP,
          MAX_THRESHOLD_SHIFT,
          DROPOUT_FACTOR,
          DROPOUT_MIN_GAP,
          SERIES_TTL,
          CHECKPOINT_INTERVAL,
          CHECKPOINT_DIR,
          PARALLELISM);
}
