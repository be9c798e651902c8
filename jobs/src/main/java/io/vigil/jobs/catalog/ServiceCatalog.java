package io.vigil.jobs.catalog;

import io.vigil.common.model.LogEvent;
import io.vigil.common.model.MetricPoint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The service catalog ({@code tenants}, {@code services}): every job that reads a tenant's and
 * service's data registers them, with first and last seen and the signals sent. See {@link
 * ServiceSightingsFunction} for how little it costs per point.
 */
public final class ServiceCatalog {
  private ServiceCatalog() {}

  /** A metric point's tenant, source and event time. */
  public static final class MetricPoints implements ServiceSightingsFunction.Who<MetricPoint> {
    private static final long serialVersionUID = 1L;

    @Override
    public String tenant(MetricPoint p) {
      return p.tenant();
    }

    @Override
    public String service(MetricPoint p) {
      return p.source();
    }

    @Override
    public long timestamp(MetricPoint p) {
      return p.timestamp();
    }
  }

  /** A log event's tenant, service and event time. */
  public static final class LogEvents implements ServiceSightingsFunction.Who<LogEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public String tenant(LogEvent e) {
      return e.tenant();
    }

    @Override
    public String service(LogEvent e) {
      return e.service();
    }

    @Override
    public long timestamp(LogEvent e) {
      return e.timestamp();
    }
  }

  /**
   * Sightings of {@code input}'s services, chained to it, keyed by tenant (one writer per tenant's
   * row) into {@code sink}. Uids {@code <job>-service-sightings} and {@code
   * <job>-service-catalog-sink}: frozen once released.
   */
  public static <T> void track(
      DataStream<T> input,
      String job,
      String signal,
      ServiceSightingsFunction.Who<T> who,
      Sink<ServiceSighting> sink) {
    input
        .flatMap(
            new ServiceSightingsFunction<>(signal, who), TypeInformation.of(ServiceSighting.class))
        .uid(job + "-service-sightings")
        .name("Service sightings")
        .keyBy(ServiceSighting::tenant)
        .sinkTo(sink)
        .uid(job + "-service-catalog-sink")
        .name("PostgreSQL services");
  }
}
