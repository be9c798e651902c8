package io.vigil.jobs.catalog;

import io.vigil.common.alerts.IncomingAlert;
import io.vigil.common.model.LogEvent;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.Parsed;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The service catalog ({@code tenants}, {@code services}, {@code data_sources}): every job that
 * reads a tenant's and service's data registers them, with first and last seen and the signals
 * sent, and the data source they came through (the form and the topic). See {@link
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
   * An Alertmanager alert's tenant, service (its source label; none when it names none) and start:
   * the services Prometheus alerts on, with the signal {@code alerts}.
   */
  public static final class AlertmanagerAlerts
      implements ServiceSightingsFunction.Who<IncomingAlert> {
    private static final long serialVersionUID = 1L;

    @Override
    public String tenant(IncomingAlert a) {
      return a.tenant();
    }

    @Override
    public String service(IncomingAlert a) {
      return a.source().isEmpty() ? null : a.source();
    }

    @Override
    public long timestamp(IncomingAlert a) {
      return a.startsAt();
    }
  }

  /**
   * Sightings of the services in {@code records} (a decoding source's output: values and dead
   * letters), chained to it, keyed by tenant (one writer per tenant's rows) into {@code sink}. Uids
   * {@code <job>-service-sightings} and {@code <job>-service-catalog-sink}: frozen once released.
   *
   * @param topic the topic the records are read from: with the form they came in, it names their
   *     data source
   */
  public static <T> void track(
      DataStream<Parsed<T>> records,
      String job,
      String signal,
      String topic,
      ServiceSightingsFunction.Who<T> who,
      Sink<ServiceSighting> sink) {
    records
        .flatMap(
            new ServiceSightingsFunction<>(signal, topic, who),
            TypeInformation.of(ServiceSighting.class))
        .uid(job + "-service-sightings")
        .name("Service sightings")
        .keyBy(ServiceSighting::tenant)
        .sinkTo(sink)
        .uid(job + "-service-catalog-sink")
        .name("PostgreSQL services");
  }
}
