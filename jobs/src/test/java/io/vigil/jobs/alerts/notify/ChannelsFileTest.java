package io.vigil.jobs.alerts.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelsFileTest {

  @Test
  void readsEveryChannelTypeWithSecretsFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("channels.yaml");
    Files.writeString(
        f,
        """
        channels:
          - {name: oncall, type: webhook, url: "https://hooks.example/vigil", secret_env: HMAC_KEY}
          - {name: ops-slack, type: slack, url_env: SLACK_URL}
          - {name: pd, type: pagerduty, url: "https://events.pagerduty.com/v2/enqueue", secret_env: PD_KEY}
          - name: ops-email
            type: email
            url: smtp://127.0.0.1:2525
            user: alerts
            secret_env: SMTP_PW
            from: vigil@example.com
            to: [a@example.com, b@example.com]
        """);
    List<ChannelConfig> cs =
        ChannelsFile.load(
            f,
            Map.of(
                "HMAC_KEY", "k1",
                "SLACK_URL", "https://hooks.slack.com/services/T/B/secret",
                "PD_KEY", "rk",
                "SMTP_PW", "pw"));
    assertThat(cs)
        .extracting(ChannelConfig::name, ChannelConfig::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("oncall", ChannelType.WEBHOOK),
            org.assertj.core.groups.Tuple.tuple("ops-slack", ChannelType.SLACK),
            org.assertj.core.groups.Tuple.tuple("pd", ChannelType.PAGERDUTY),
            org.assertj.core.groups.Tuple.tuple("ops-email", ChannelType.EMAIL));
    assertThat(cs.get(0).secret()).isEqualTo("k1");
    assertThat(cs.get(1).url()).isEqualTo("https://hooks.slack.com/services/T/B/secret");
    assertThat(cs.get(3).to()).containsExactly("a@example.com", "b@example.com");
    assertThat(cs.toString()).doesNotContain("k1", "services/T/B", "rk", "pw");
  }

  @Test
  void reportsEveryBadChannelByName(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("channels.yaml");
    Files.writeString(
        f,
        """
        channels:
          - {name: a, type: carrier-pigeon, url: "x"}
          - {name: b, type: webhook, url: "https://x", secret_env: MISSING}
          - {name: c, type: slack}
        """);
    assertThatThrownBy(() -> ChannelsFile.load(f, Map.of()))
        .hasMessageContaining("channel 'a'")
        .hasMessageContaining("channel 'b': environment variable MISSING is not set")
        .hasMessageContaining("channel 'c': needs 'url' or 'url_env'");
  }
}
