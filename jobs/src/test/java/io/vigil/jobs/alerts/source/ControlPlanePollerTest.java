package io.vigil.jobs.alerts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The poller when PostgreSQL cannot be reached (a port nothing listens on). */
class ControlPlanePollerTest {
  static String unreachableUrl() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return "jdbc:postgresql://127.0.0.1:" + port + "/vigil?connectTimeout=2";
  }

  @Test
  void aFailedFirstPollSendsNoRulesRatherThanAnEmptyRuleList() throws Exception {
    var poller = new ControlPlanePoller(unreachableUrl(), "vigil", "s3cret-pw");
    poller.open(null);
    var s = poller.map(0L);
    assertThat(s).isEqualTo(ControlPlanePoller.UNKNOWN);
    assertThat(s.rulesJson()).as("null: the operators keep the rules they have").isNull();
    poller.close();
  }

  @Test
  void aDirectReadFailsWithAMessageAndWithoutThePassword() throws Exception {
    var poller = new ControlPlanePoller(unreachableUrl(), "vigil", "s3cret-pw");
    assertThatThrownBy(poller::read)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("could not read the alert rules")
        .hasMessageNotContaining("s3cret-pw");
  }
}
