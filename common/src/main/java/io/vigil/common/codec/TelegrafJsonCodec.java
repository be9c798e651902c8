package io.vigil.common.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.common.model.MetricPoint;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes Telegraf's JSON serializer ({@code data_format = "json"}): one metric {@code {"name",
 * "tags", "fields", "timestamp"}}, or a batch {@code {"metrics": [...]}}. Fields become series as
 * in line protocol ({@link InfluxLineCodec}: {@code name_field}, booleans as 1 and 0, strings
 * reported); the timestamp is in {@code json_timestamp_units} (seconds by default), told apart by
 * magnitude ({@link MetricCodec#epochMillis}), or an RFC 3339 text ({@code json_timestamp_format}).
 * Never throws.
 */
final class TelegrafJsonCodec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final MetricCodec.Settings settings;

  TelegrafJsonCodec(MetricCodec.Settings settings) {
    this.settings = settings;
  }

  /** Decodes one message's JSON tree. Never throws. */
  MetricJsonCodec.Result decode(JsonNode root) {
    List<MetricPoint> points = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    if (root != null && root.isObject() && root.has("metrics")) {
      JsonNode metrics = root.get("metrics");
      if (!metrics.isArray()) {
        return MetricCodec.error("Telegraf: field 'metrics' must be an array");
      }
      for (int m = 0; m < metrics.size(); m++) {
        decodeOne(metrics.get(m), "metrics[" + m + "] ", points, errors);
      }
    } else if (root != null && root.isArray()) {
      for (int m = 0; m < root.size(); m++) {
        decodeOne(root.get(m), "[" + m + "] ", points, errors);
      }
    } else {
      decodeOne(root, "", points, errors);
    }
    if (points.isEmpty() && errors.isEmpty()) {
      errors.add("Telegraf: no metrics");
    }
    return new MetricJsonCodec.Result(points, errors);
  }

  private void decodeOne(JsonNode m, String where, List<MetricPoint> points, List<String> errors) {
    try {
      if (m == null || !m.isObject()) {
        throw new LogFields.BadRecord("expected a JSON object");
      }
      JsonNode name = m.get("name");
      if (name == null || !name.isTextual()) {
        throw new LogFields.BadRecord("field 'name' must be a string");
      }
      long millis = timestamp(m.get("timestamp"));
      JsonNode t = m.get("tags");
      Map<String, String> tags =
          t == null || t.isNull() ? new TreeMap<>() : MetricCodec.strings(t, "tags", "tag");
      JsonNode fields = m.get("fields");
      if (fields == null || !fields.isObject() || fields.isEmpty()) {
        throw new LogFields.BadRecord("field 'fields' must be a non-empty object");
      }
      List<String> keys = new ArrayList<>(fields.size());
      fields.fieldNames().forEachRemaining(keys::add);
      TelegrafSeries.Layout layout = TelegrafSeries.layout(name.textValue(), keys);
      for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String key = f.getKey();
        JsonNode v = f.getValue();
        TelegrafSeries.Series named = TelegrafSeries.series(layout, name.textValue(), key);
        double value;
        if (v.isNumber()) {
          value = v.doubleValue();
        } else if (v.isBoolean()) {
          value = v.booleanValue() ? 1.0 : 0.0;
        } else {
          errors.add(
              where
                  + "field '"
                  + MetricJsonCodec.abbreviate(key)
                  + "' is "
                  + (v.isTextual() ? "a string" : v.getNodeType().name().toLowerCase())
                  + ", not a number to score");
          continue;
        }
        try {
          MetricPoint p =
              MetricCodec.point(settings, named.metric(), named.tags(tags), millis, value);
          points.add(named.cumulative() ? p.asCumulative() : p);
        } catch (LogFields.BadRecord e) {
          errors.add(where + e.getMessage());
        }
      }
    } catch (LogFields.BadRecord e) {
      errors.add(where + e.getMessage());
    }
  }

  /**
   * Epoch time in any unit ({@code json_timestamp_units}), or text ({@code json_timestamp_format}).
   */
  static long timestamp(JsonNode ts) throws LogFields.BadRecord {
    if (ts != null && ts.isIntegralNumber() && ts.canConvertToLong()) {
      return MetricCodec.epochMillis(ts.longValue());
    }
    Long parsed = ts != null && ts.isTextual() ? LogFields.parseTime(ts.textValue()) : null;
    if (parsed == null) {
      throw new LogFields.BadRecord(
          "field 'timestamp' must be an integer (epoch time) or an RFC 3339 time");
    }
    return parsed;
  }
}
