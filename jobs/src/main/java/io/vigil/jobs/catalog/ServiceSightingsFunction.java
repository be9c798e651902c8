package io.vigil.jobs.catalog;

import io.vigil.common.codec.WireFormat;
import io.vigil.jobs.core.Parsed;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns a job's decoded records into service sightings for the catalog, few enough to write: per
 * service and data source (the form its records came in), one for the first point this subtask
 * reads, then one whenever a point falls in an hour (event time) later or earlier than every hour
 * reported before. Chained to the source, beside the parse step, so it costs a map lookup per point
 * and no network; dead letters are not sightings. What it remembers is not checkpointed and bounded
 * ({@link #MAX_SERVICES}, least recently seen forgotten first): after a restart or an eviction a
 * service is reported again, which the catalog's upsert absorbs.
 */
public final class ServiceSightingsFunction<T>
    extends RichFlatMapFunction<Parsed<T>, ServiceSighting> {
  private static final long serialVersionUID = 1L;
  static final long HOUR = 3_600_000L;
  static final int MAX_SERVICES = 100_000;

  /** How to read tenant, service and event time from a record. */
  public interface Who<T> extends Serializable {
    String tenant(T value);

    /** The service, or null when the record names none (only its data source is seen). */
    String service(T value);

    long timestamp(T value);
  }

  private final String signal;
  private final String topic;
  private final Who<T> who;

  /**
   * A service as one data source sends it: a record, so a lookup hashes the names' cached hashes
   * and copies no text.
   */
  private record Service(String tenant, String name, WireFormat format) {}

  private transient Map<Service, long[]> hours;

  /**
   * @param signal what the job reads: metrics, logs
   * @param topic the Kafka topic the job reads them from, which names the data source
   */
  public ServiceSightingsFunction(String signal, String topic, Who<T> who) {
    this.signal = signal;
    this.topic = topic;
    this.who = who;
  }

  @Override
  public void open(OpenContext ctx) {
    hours =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Service, long[]> eldest) {
            return size() > MAX_SERVICES;
          }
        };
  }

  @Override
  public void flatMap(Parsed<T> parsed, Collector<ServiceSighting> out) {
    T value = parsed.value;
    if (value == null) {
      return;
    }
    String tenant = who.tenant(value);
    String service = who.service(value);
    long t = who.timestamp(value);
    long hour = Math.floorDiv(t, HOUR);
    Service key = new Service(tenant, service, parsed.format);
    long[] seen = hours.get(key);
    if (seen == null) {
      hours.put(key, new long[] {hour, hour});
    } else if (hour > seen[1]) {
      seen[1] = hour;
    } else if (hour < seen[0]) {
      seen[0] = hour;
    } else {
      return;
    }
    out.collect(new ServiceSighting(tenant, service, signal, parsed.format, topic, t));
  }
}
