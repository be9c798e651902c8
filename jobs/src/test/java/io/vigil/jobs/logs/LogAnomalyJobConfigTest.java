package io.vigil.jobs.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.jobs.config.VigilConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogAnomalyJobConfigTest {
  @Test
  void theTenantAllowListAppliesToLogsAndMustHoldTheDefaultTenant() {
    var settings =
        LogAnomalyJob.codecSettings(
            VigilConfig.fromMap(
                Map.of("input.tenants", "acme, globex", "logs.default-tenant", "acme"), Map.of()));
    assertThat(settings.limits().tenants()).containsExactlyInAnyOrder("acme", "globex");

    assertThatThrownBy(
            () ->
                LogAnomalyJob.codecSettings(
                    VigilConfig.fromMap(Map.of("input.tenants", "acme,globex"), Map.of())))
        .hasMessageContaining("logs.default-tenant 'default' is not in input.tenants")
        .hasMessageContaining("set logs.default-tenant to one of them");

    assertThat(
            LogAnomalyJob.codecSettings(VigilConfig.fromMap(Map.of(), Map.of())).limits().tenants())
        .isEmpty();
  }
}
