package io.vigil.jobs.logs;

import io.vigil.jobs.testing.LocalServices;
import io.vigil.jobs.testing.TestKafka;
import java.util.LinkedHashMap;
import java.util.Map;

/** The log job's settings shared by its integration tests: their own topics, group and schema. */
final class LogItConfig {
  private LogItConfig() {}

  /**
   * Creates the topics {@code run.logs} and {@code run.logs.dlq} (2 partitions each) and returns
   * the settings that use them, a consumer group and a PostgreSQL schema of the run's own.
   */
  static Map<String, String> create(LocalServices services, String run) throws Exception {
    String topic = run + ".logs";
    String dlq = run + ".logs.dlq";
    TestKafka.createTopics(
        services.kafkaBootstrap(), 2, topic, dlq, run + ".anomalies", run + ".error-groups");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("kafka.bootstrap-servers", services.kafkaBootstrap());
    conf.put("kafka.logs-topic", topic);
    conf.put("kafka.logs-dlq-topic", dlq);
    conf.put("kafka.logs-group-id", run);
    conf.put("kafka.anomalies-topic", run + ".anomalies");
    conf.put("kafka.error-groups-topic", run + ".error-groups");
    conf.put("kafka.starting-offsets", "earliest");
    conf.put("kafka.transactional-id-prefix", run);
    conf.put("postgres.url", services.pgUrlWithSchema(run));
    conf.put("postgres.user", services.pgUser());
    conf.put("postgres.password", services.pgPassword());
    conf.put("postgres.migrate-on-start", "true");
    conf.put("job.checkpoint-interval", "1s");
    return conf;
  }
}
