package io.vigil.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.Anomaly;
import io.vigil.common.model.Severity;
import org.junit.jupiter.api.Test;

/** An open drift event is an anomaly that says what changed; a resolved one is none. */
class DriftAnomaliesTest {
  private static DriftRow row(
      String service, String changes, String by, String commit, long resolved) {
    return new DriftRow(
        "0b6e6a4e-7c1f-3a53-9d2c-4f0c6f1e2a11",
        "prod",
        "aws_security_group.web",
        "aws_security_group",
        service,
        "modified",
        "{}",
        "{}",
        changes,
        "critical",
        0.9,
        by,
        commit,
        1_000,
        resolved,
        resolved > 0 ? "reverted" : "",
        1_000);
  }

  private static final String ONE =
      "[{\"path\":\"/ingress/1\",\"change_type\":\"added\",\"security_critical\":true}]";

  @Test
  void anOpenEventIsAnAnomalyOfItsServiceTimedWhenFound() {
    Anomaly a = DriftAnomalies.of(row("web", ONE, "alice", "abc123", 0), "acme", 5_000);
    assertThat(a.id()).isEqualTo("0b6e6a4e-7c1f-3a53-9d2c-4f0c6f1e2a11");
    assertThat(a.tenant()).isEqualTo("acme");
    assertThat(a.source()).isEqualTo("web");
    assertThat(a.metric()).isEqualTo("drift");
    assertThat(a.tags())
        .containsEntry("resource", "aws_security_group.web")
        .containsEntry("environment", "prod")
        .containsEntry("drift_type", "modified");
    assertThat(a.timestamp()).isEqualTo(5_000);
    assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(a.explanationJson())
        .contains(
            "\"why\":\"aws_security_group.web in prod modified: /ingress/1 added (security);"
                + " by alice, commit abc123\"");
  }

  @Test
  void aResolvedEventIsNoAnomaly() {
    assertThat(DriftAnomalies.of(row("web", ONE, "alice", "abc123", 2_000), "acme", 5_000))
        .isNull();
  }

  @Test
  void aResourceWithoutServiceIsItsOwnSourceAndManyChangesAreCounted() {
    String five =
        "["
            + "{\"path\":\"/a\",\"change_type\":\"replaced\"},"
            + "{\"path\":\"/b\",\"change_type\":\"replaced\"},"
            + "{\"path\":\"/c\",\"change_type\":\"removed\"},"
            + "{\"path\":\"/d\",\"change_type\":\"added\"},"
            + "{\"path\":\"/e\",\"change_type\":\"added\"}]";
    Anomaly a = DriftAnomalies.of(row("", five, "", "", 0), "acme", 5_000);
    assertThat(a.source()).isEqualTo("aws_security_group.web");
    assertThat(DriftAnomalies.why(row("", five, "", "", 0)))
        .isEqualTo(
            "aws_security_group.web in prod modified: /a replaced, /b replaced, /c removed"
                + " and 2 more");
  }
}
