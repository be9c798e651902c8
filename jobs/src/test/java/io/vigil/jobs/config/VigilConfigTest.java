package io.vigil.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VigilConfigTest {

  @Test
  void defaultsAreValid() {
    VigilConfig c = VigilConfig.fromMap(Map.of(), Map.of());
    assertThat(c.get(VigilOptions.METRICS_TOPIC)).isEqualTo("vigil.metrics");
    assertThat(c.get(VigilOptions.METRICS_DLQ_TOPIC)).isEqualTo("vigil.metrics.dlq");
    assertThat(c.get(VigilOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void yamlFileThenCommandLineOverridesWithEnvironmentReferences(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("vigil.yaml");
    Files.writeString(
        file,
        """
        kafka:
          bootstrap-servers: kafka:9092
          metrics-topic: metrics
        postgres:
          password: ${DB_PW}
        detection:
          threshold: 0.5
        """);
    VigilConfig c =
        VigilConfig.fromArgs(
            new String[] {
              "--config", file.toString(), "--kafka.metrics-topic", "other", "--job.parallelism=3"
            },
            Map.of("DB_PW", "s3cret"));
    assertThat(c.get(VigilOptions.KAFKA_BOOTSTRAP)).isEqualTo("kafka:9092");
    assertThat(c.get(VigilOptions.METRICS_TOPIC)).isEqualTo("other");
    assertThat(c.get(VigilOptions.PARALLELISM)).isEqualTo(3);
    assertThat(c.get(VigilOptions.THRESHOLD)).isEqualTo(0.5);
    assertThat(c.get(VigilOptions.PG_PASSWORD)).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret").contains("postgres.password=******");
  }

  @Test
  void passwordFallsBackToTheEnvironment() {
    VigilConfig c = VigilConfig.fromMap(Map.of(), Map.of("VIGIL_PG_PASSWORD", "pw"));
    assertThat(c.get(VigilOptions.PG_PASSWORD)).isEqualTo("pw");
  }

  @Test
  void everyProblemIsReportedWithWhatToFix() {
    assertThatThrownBy(
            () ->
                VigilConfig.fromMap(
                    Map.of(
                        "kafka.metric-topic", "x",
                        "detection.threshold", "abc",
                        "postgres.url", "postgres://nope",
                        "kafka.metrics-dlq-topic", "vigil.metrics",
                        "postgres.password", "${MISSING_VAR}"),
                    Map.of()))
        .isInstanceOf(VigilConfig.ConfigException.class)
        .hasMessageContaining(
            "unknown option 'kafka.metric-topic': did you mean 'kafka.metrics-topic'?")
        .hasMessageContaining("option 'detection.threshold' has an invalid value 'abc'")
        .hasMessageContaining("refers to ${MISSING_VAR}, which is not set");
    assertThatThrownBy(
            () ->
                VigilConfig.fromMap(
                    Map.of(
                        "postgres.url", "postgres://nope",
                        "kafka.metrics-dlq-topic", "vigil.metrics",
                        "detection.detector", "magic",
                        "detection.severity.medium", "0.3",
                        "metrics.input", "protobuf",
                        "logs.feature-windows-retention", "30 s",
                        "alertmanager.default-action", "analyse",
                        "kafka.alertmanager-topic", "vigil.alerts",
                        "metrics.histogram-quantiles", "0.5, 99",
                        "metrics.default-source", " "),
                    Map.of()))
        .hasMessageContaining("postgres.url must look like jdbc:postgresql://host:port/database")
        .hasMessageContaining("kafka.metrics-dlq-topic must differ from kafka.metrics-topic")
        .hasMessageContaining("detection.detector 'magic' is unknown")
        .hasMessageContaining("0 < detection.threshold <= detection.severity.medium")
        .hasMessageContaining(
            "metrics.input must be auto, vigil, influx, telegraf, otlp or prometheus")
        .hasMessageContaining(
            "logs.feature-windows-retention must be 0 (keep every window) or longer than"
                + " logs.window")
        .hasMessageContaining("alertmanager.default-action must be auto_analyze, manual or ignore")
        .hasMessageContaining(
            "kafka.alertmanager-topic must differ from kafka.metrics-topic and kafka.alerts-topic")
        .hasMessageContaining(
            "metrics.histogram-quantiles must list distinct numbers between 0 and 1 (e.g."
                + " 0.5,0.9,0.99), or be empty for none; '99' is not one")
        .hasMessageContaining("metrics.default-source");
  }

  @Test
  void theAnomaliesTopicMustNotBeAnInputTopic() {
    assertThatThrownBy(
            () -> VigilConfig.fromMap(Map.of("kafka.anomalies-topic", "vigil.logs"), Map.of()))
        .isInstanceOf(VigilConfig.ConfigException.class)
        .hasMessageContaining(
            "kafka.anomalies-topic must differ from the metrics, logs, infra, alertmanager, alerts"
                + " topics");
    assertThat(
            VigilConfig.fromMap(Map.of("kafka.anomalies-topic", ""), Map.of())
                .get(io.vigil.jobs.config.VigilOptions.ANOMALIES_TOPIC))
        .isEmpty();
  }

  @Test
  void theErrorGroupsTopicMustNotBeAnotherTopicOfVigil() {
    assertThatThrownBy(
            () ->
                VigilConfig.fromMap(
                    Map.of("kafka.error-groups-topic", "vigil.anomalies"), Map.of()))
        .isInstanceOf(VigilConfig.ConfigException.class)
        .hasMessageContaining(
            "kafka.error-groups-topic must differ from the metrics, logs, infra, alertmanager,"
                + " alerts, anomalies topics");
    assertThat(
            VigilConfig.fromMap(Map.of("kafka.error-groups-topic", ""), Map.of())
                .get(io.vigil.jobs.config.VigilOptions.ERROR_GROUPS_TOPIC))
        .isEmpty();
  }

  @Test
  void badArgumentsFailFast() {
    assertThatThrownBy(() -> VigilConfig.fromArgs(new String[] {"stray"}, Map.of()))
        .hasMessageContaining("unexpected argument 'stray'");
    assertThatThrownBy(
            () -> VigilConfig.fromArgs(new String[] {"--config", "/nope.yaml"}, Map.of()))
        .hasMessageContaining("can't read config file /nope.yaml");
  }
}
