package io.vigil.jobs.alerts;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.jobs.alerts.notify.NotificationResult;
import io.vigil.jobs.alerts.sink.AlertsJdbcSink;
import io.vigil.jobs.alerts.sink.AlertsKafkaSink;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The sinks of the alerting pipeline, injected so tests can swap them; a null sink is skipped.
 *
 * @param alertsKafka transitions as JSON on the alerts topic
 * @param alertsDb upserts into {@code alerts}
 * @param notificationResults final outcomes of notifications (attempts are already in the DB)
 */
public record AlertingSinks(
    Sink<AlertTransition> alertsKafka,
    Sink<AlertTransition> alertsDb,
    Sink<NotificationResult> notificationResults) {

  /** Kafka topic and PostgreSQL upsert from the config; results are not sunk. */
  public static AlertingSinks production(AlertingConfig c) {
    return new AlertingSinks(
        AlertsKafkaSink.create(c.kafkaBootstrap(), c.alertsTopic()),
        AlertsJdbcSink.create(c.pgUrl(), c.pgUser(), c.pgPassword()),
        null);
  }
}
