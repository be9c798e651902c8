package io.vigil.jobs.catalog;

import io.vigil.common.codec.WireFormat;

/**
 * A job read data of a service: its tenant, its name (a metric's source, a log's service), the
 * signal (metrics, logs), the form its record came in and the topic it was read from (the data
 * source: null format when the decoder does not say), and the event time of the point or line.
 */
public record ServiceSighting(
    String tenant, String service, String signal, WireFormat format, String topic, long timestamp) {

  /** The data source's name in {@code data_sources}: {@code <format> via <topic>}. */
  public String dataSource() {
    return format == null ? null : format.label() + " via " + topic;
  }
}
