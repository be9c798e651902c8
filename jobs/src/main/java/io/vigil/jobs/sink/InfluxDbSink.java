package io.vigil.jobs.sink;

import io.vigil.common.model.ScoredPoint;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes every scored point to InfluxDB measurement {@code data_points} in batches, flushed when
 * full and on every checkpoint, retried with exponential backoff. A point's identity in InfluxDB is
 * its measurement, tags and timestamp, so replays after a restart overwrite instead of duplicating.
 */
public final class InfluxDbSink implements Sink<ScoredPoint> {
  private static final long serialVersionUID = 1L;
  private final InfluxSettings settings;

  public InfluxDbSink(InfluxSettings settings) {
    this.settings = settings;
  }

  @Override
  public SinkWriter<ScoredPoint> createWriter(WriterInitContext context) {
    return new InfluxDbWriter(settings, context.metricGroup());
  }
}
