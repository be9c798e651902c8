package io.vigil.jobs.sink;

import io.vigil.jobs.catalog.ServiceSighting;
import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.config.VigilOptions;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Upserts service sightings into the catalog: the tenant ({@code tenants}, by slug), the data
 * source ({@code data_sources}, by tenant and name: the form and the topic) and the service ({@code
 * services}, by tenant and slug), widening {@code first_seen} / {@code last_seen} and adding the
 * signal to the service's {@code signals}. Every change is a min, a max or a set union, so replays
 * and sightings in any order leave the same rows. A name, type, configuration or status a person
 * gave a row is kept. A sighting without a service (an Alertmanager alert that names none) only
 * registers its tenant and data source.
 */
public final class ServiceCatalogPostgresSink {
  static final int MAX_SLUG = 255;
  static final String UPSERT =
      "WITH t AS (INSERT INTO tenants (slug, name) VALUES (?, ?)"
          + " ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id),"
          + " d AS (INSERT INTO data_sources (tenant_id, name, type, config, first_seen, last_seen)"
          + " SELECT t.id, ?, ?, jsonb_build_object('format', ?, 'topic', ?, 'signal', ?), ?, ?"
          + " FROM t WHERE ?::text IS NOT NULL"
          + " ON CONFLICT (tenant_id, name) DO UPDATE SET"
          + " first_seen = LEAST(data_sources.first_seen, EXCLUDED.first_seen),"
          + " last_seen = GREATEST(data_sources.last_seen, EXCLUDED.last_seen) RETURNING 1)"
          + " INSERT INTO services (tenant_id, slug, name, first_seen, last_seen, signals)"
          + " SELECT t.id, ?, ?, ?, ?, ARRAY[?]::text[] FROM t WHERE ?::text IS NOT NULL"
          + " ON CONFLICT (tenant_id, slug) DO UPDATE SET"
          + " first_seen = LEAST(services.first_seen, EXCLUDED.first_seen),"
          + " last_seen = GREATEST(services.last_seen, EXCLUDED.last_seen),"
          + " signals = CASE WHEN EXCLUDED.signals <@ services.signals THEN services.signals"
          + " ELSE (SELECT array_agg(DISTINCT s ORDER BY s)"
          + " FROM unnest(services.signals || EXCLUDED.signals) s) END";

  private ServiceCatalogPostgresSink() {}

  public static Sink<ServiceSighting> create(VigilConfig config) {
    return CloseSafeSink.wrap(
        JdbcSink.<ServiceSighting>builder()
            .withQueryStatement(UPSERT, ServiceCatalogPostgresSink::bind)
            .withExecutionOptions(
                JdbcExecutionOptions.builder()
                    .withBatchSize(100)
                    .withBatchIntervalMs(1000)
                    .withMaxRetries(config.get(VigilOptions.PG_MAX_RETRIES))
                    .build())
            .buildAtLeastOnce(AnomalyPostgresSink.connection(config)));
  }

  static void bind(PreparedStatement st, ServiceSighting s) throws SQLException {
    String tenant = slug(s.tenant());
    String service = s.service() == null ? null : slug(s.service());
    String source = s.dataSource();
    Timestamp at = new Timestamp(s.timestamp());
    st.setString(1, tenant);
    st.setString(2, tenant);
    st.setString(3, source);
    st.setString(4, s.format() == null ? null : s.format().sender());
    st.setString(5, s.format() == null ? null : s.format().label());
    st.setString(6, s.topic());
    st.setString(7, s.signal());
    st.setTimestamp(8, at);
    st.setTimestamp(9, at);
    st.setString(10, source);
    st.setString(11, service);
    st.setString(12, service);
    st.setTimestamp(13, at);
    st.setTimestamp(14, at);
    st.setString(15, s.signal());
    st.setString(16, service);
  }

  private static String slug(String s) {
    return s.length() <= MAX_SLUG ? s : s.substring(0, MAX_SLUG);
  }
}
