package io.vigil.jobs.alerts.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelsTableTest {
  @Test
  void aRowsConfigHoldsTheChannelFileFieldsAndSecretsComeFromTheEnvironment() {
    ChannelConfig c =
        ChannelsTable.channel(
            "oncall",
            "pagerduty",
            "{\"url\": \"https://events.example/v2/enqueue\", \"secret_env\": \"PD_KEY\"}",
            Map.of("PD_KEY", "routing-key-1"));
    assertThat(c.name()).isEqualTo("oncall");
    assertThat(c.type()).isEqualTo(ChannelType.PAGERDUTY);
    assertThat(c.url()).isEqualTo("https://events.example/v2/enqueue");
    assertThat(c.secret()).isEqualTo("routing-key-1");
    assertThat(c.toString()).doesNotContain("routing-key-1");

    ChannelConfig slack =
        ChannelsTable.channel(
            "team",
            "slack",
            "{\"url_env\": \"SLACK_URL\"}",
            Map.of("SLACK_URL", "https://hooks/x"));
    assertThat(slack.url()).isEqualTo("https://hooks/x");
  }

  @Test
  void anUnusableRowSaysWhatIsWrongWithoutFailingTheOthers() {
    assertThatThrownBy(() -> ChannelsTable.channel("a", "webhook", "{}", Map.of()))
        .hasMessageContaining("needs 'url' or 'url_env'");
    assertThatThrownBy(
            () -> ChannelsTable.channel("a", "webhook", "{\"url_env\": \"NOPE\"}", Map.of()))
        .hasMessageContaining("environment variable NOPE is not set");
    assertThatThrownBy(() -> ChannelsTable.channel("a", "sms", "{\"url\": \"x\"}", Map.of()))
        .hasMessageContaining("type 'sms' is not one of");
    assertThatThrownBy(() -> ChannelsTable.channel("a", "webhook", "[1]", Map.of()))
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> ChannelsTable.channel("a", "webhook", "{not json", Map.of()))
        .hasMessageContaining("not JSON");
    assertThatThrownBy(
            () ->
                ChannelsTable.channel(
                    "a", "webhook", "{\"url\": \"x\", \"secret\": \"s3cr3t\"}", Map.of()))
        .hasMessageContaining("'secret' would store a secret in plain text")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(
            () -> ChannelsTable.channel("a", "webhook", "{\"url\": \"x\", \"ulr\": 1}", Map.of()))
        .hasMessageContaining("unknown field 'ulr'");
  }
}
