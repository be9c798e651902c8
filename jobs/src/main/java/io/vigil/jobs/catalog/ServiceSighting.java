package io.vigil.jobs.catalog;

/**
 * A job read data of a service: its tenant, its name (a metric's source, a log's service), the
 * signal (metrics, logs) and the event time of the point or line.
 */
public record ServiceSighting(String tenant, String service, String signal, long timestamp) {}
