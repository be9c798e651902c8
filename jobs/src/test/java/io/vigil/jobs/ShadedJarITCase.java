package io.vigil.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.testing.LocalServices;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The jar a platform team submits holds the jobs and their connectors, but not Flink itself. */
class ShadedJarITCase {

  @Test
  void jobJarHoldsJobsConnectorsAndMigrationsButNotFlinkCore() throws Exception {
    Path jar = LocalServices.repositoryRoot().resolve("jobs/target/vigil-jobs.jar");
    try (JarFile j = new JarFile(jar.toFile())) {
      for (String present :
          new String[] {
            "io/vigil/jobs/metrics/MetricsAnomalyJob.class",
            "io/vigil/common/codec/MetricJsonCodec.class",
            "org/apache/flink/cep/CEP.class",
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/flink/connector/jdbc/core/datastream/sink/JdbcSink.class",
            "org/postgresql/Driver.class",
            "org/influxdb/InfluxDB.class",
            "org/flywaydb/core/Flyway.class",
            "db/migration/V1__init.sql"
          }) {
        assertThat(j.getEntry(present)).as(present).isNotNull();
      }
      assertThat(
              j.getEntry(
                  "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class"))
          .isNull();
      assertThat(j.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo("io.vigil.jobs.metrics.MetricsAnomalyJob");
    }
  }
}
