package io.vigil.common.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertJsonCodecTest {

  @Test
  void anAlertPublishedToTheAlertsTopicReadsBackAsItsTransition() {
    AlertTransition t = transition(true, List.of("hook"));
    AlertJsonCodec.Decoded d = AlertJsonCodec.decode(AlertJsonCodec.toBytes(t));
    assertThat(d.error()).isNull();
    // what the JSON does not carry (channels, the notify flag) is left empty
    assertThat(d.transition()).isEqualTo(transition(false, List.of()));
  }

  private static AlertTransition transition(boolean notifies, List<String> channels) {
    return new AlertTransition(
        "5f0e1c9a-0000-3000-8000-0000000000aa",
        "fp",
        "rule-1",
        "checkout latency above 300",
        "high",
        AlertStatus.SUPPRESSED,
        "suppressed",
        notifies,
        "key-1",
        1_700_000_000_000L,
        0,
        1_700_000_060_000L,
        412.5,
        Map.of(
            "alertname", "checkout latency above 300",
            "severity", "high",
            "tenant", "acme",
            "source", "checkout"),
        Map.of("summary", "checkout latency above 300: latency_ms gt 300.0 (value 412.5)"),
        channels,
        "",
        0,
        0);
  }

  @Test
  void whatIsNotAnAlertOfVigilSaysWhy() {
    assertThat(decode("{\"alerts\":")).startsWith("invalid JSON: ");
    assertThat(decode("[1]")).isEqualTo("an alert must be a JSON object");
    assertThat(decode("{\"status\":\"firing\",\"labels\":{}}"))
        .isEqualTo("an alert needs its 'id' and 'transition' (Vigil's alert JSON)");
    assertThat(decode("{\"id\":\"a\",\"transition\":\"firing\",\"labels\":[]}"))
        .isEqualTo("field 'labels' must be an object");
    assertThat(
            decode(
                "{\"id\":\"a\",\"transition\":\"firing\",\"labels\":{},\"vigilStatus\":\"on\","
                    + "\"startsAt\":\"2026-01-01T00:00:00Z\"}"))
        .startsWith("an alert needs a known 'vigilStatus'");
    assertThat(
            decode(
                "{\"id\":\"a\",\"transition\":\"firing\",\"labels\":{},\"vigilStatus\":\"firing\","
                    + "\"startsAt\":\"yesterday\"}"))
        .startsWith("an alert needs a known 'vigilStatus' and RFC 3339");
    // a severity Vigil does not know is a dead letter, not a failed job
    assertThat(
            decode(
                "{\"id\":\"a\",\"transition\":\"firing\",\"labels\":{\"severity\":\"warning\"},"
                    + "\"vigilStatus\":\"firing\",\"startsAt\":\"2026-01-01T00:00:00Z\"}"))
        .isEqualTo("label 'severity' must be low, medium, high or critical");
  }

  private static String decode(String json) {
    AlertJsonCodec.Decoded d = AlertJsonCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    assertThat(d.transition()).isNull();
    return d.error();
  }
}
