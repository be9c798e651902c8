package io.vigil.common.codec;

/**
 * The form a message came in, as the codec that decoded it recognised it, and the kind of sender
 * that usually writes it: what the jobs record in {@code data_sources} (name {@code <format> via
 * <topic>}, {@code type} the sender).
 */
public enum WireFormat {
  VIGIL_JSON("vigil-json", "service"),
  INFLUX_LINE("influx-line", "telegraf"),
  TELEGRAF_JSON("telegraf-json", "telegraf"),
  OTLP_JSON("otlp-json", "otel-collector"),
  OTLP_PROTO("otlp-proto", "otel-collector"),
  PROMETHEUS_JSON("prometheus-json", "prometheus"),
  RAW_LINES("raw-lines", "other"),
  ALERTMANAGER_WEBHOOK("alertmanager-webhook", "alertmanager");

  private final String label;
  private final String sender;

  WireFormat(String label, String sender) {
    this.label = label;
    this.sender = sender;
  }

  /** How the format is named in {@code data_sources}, e.g. {@code otlp-proto}. */
  public String label() {
    return label;
  }

  /**
   * The {@code data_sources.type} of a source writing this format: {@code service}, {@code
   * telegraf}, {@code otel-collector}, {@code prometheus}, {@code alertmanager} or {@code other}.
   */
  public String sender() {
    return sender;
  }
}
