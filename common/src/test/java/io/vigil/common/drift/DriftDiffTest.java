package io.vigil.common.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftDiffTest {
  static final String DECLARED =
      """
      {"instance_type":"t3.small","tags":{"service":"web"},
       "ingress":[{"port":443,"cidr":"10.0.0.0/8"}],
       "db_password":"hunter2","monitoring":true}
      """;

  @Test
  void changedPropertiesAreDriftUndeclaredKeysAndVolatilePathsAreNot() {
    String actual =
        """
        {"instance_type":"t3.large","tags":{"service":"web","owner":"bob"},
         "ingress":[{"port":443,"cidr":"10.0.0.0/8"},{"port":22,"cidr":"0.0.0.0/0"}],
         "db_password":"letmein","arn":"arn:aws:ec2:1","status":{"phase":"running"}}
        """;
    List<DriftDiff.Change> changes = DriftDiff.defaults().changes(DECLARED, actual);
    assertThat(changes)
        .extracting(c -> c.path() + " " + c.changeType() + " " + c.securityCritical())
        .containsExactlyInAnyOrder(
            "/instance_type modified false",
            "/ingress/1 added true",
            "/db_password modified true",
            "/monitoring removed false");
    DriftDiff.Change type =
        changes.stream().filter(c -> c.path().equals("/instance_type")).findFirst().get();
    assertThat(type.declared()).isEqualTo("\"t3.small\"");
    assertThat(type.actual()).isEqualTo("\"t3.large\"");
    DriftDiff.Change password =
        changes.stream().filter(c -> c.path().equals("/db_password")).findFirst().get();
    // the change shows, the secret does not
    assertThat(password.declared()).startsWith("\"<redacted ").doesNotContain("hunter2");
    assertThat(password.actual()).startsWith("\"<redacted ").isNotEqualTo(password.declared());
    assertThat(DriftDiff.json(changes)).doesNotContain("hunter2").doesNotContain("letmein");
    assertThat(DriftDiff.defaults().redact(actual))
        .doesNotContain("letmein")
        .contains("\"db_password\":\"<redacted ")
        .contains("t3.large");
    assertThat(DriftDiff.severityScore("modified", changes)).isEqualTo(0.85);
    assertThat(DriftDiff.severity(0.85)).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void theSameStateHasNoChangesAndSeverityGrowsWithThem() {
    assertThat(DriftDiff.defaults().changes(DECLARED, DECLARED)).isEmpty();
    var one = List.of(new DriftDiff.Change("/a", "1", "2", "modified", false));
    assertThat(DriftDiff.severityScore("modified", one)).isEqualTo(0.3);
    assertThat(DriftDiff.severityScore("deleted", List.of())).isEqualTo(0.9);
    assertThat(DriftDiff.severityScore("added", List.of())).isEqualTo(0.6);
    assertThat(DriftDiff.severity(0.3)).isEqualTo(Severity.LOW);
  }
}
