package io.vigil.jobs.alerts.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Reads a record (MetricPoint, Anomaly) from its Jackson JSON form; test input only. */
public final class JsonRecordSchema<T> extends AbstractDeserializationSchema<T> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Class<T> type;

  public JsonRecordSchema(Class<T> type) {
    super(TypeInformation.of(type));
    this.type = type;
  }

  @Override
  public T deserialize(byte[] message) throws IOException {
    return JSON.readValue(message, type);
  }
}
