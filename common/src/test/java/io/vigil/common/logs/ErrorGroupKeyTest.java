package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorGroupKeyTest {

  @Test
  void isStableAndSeparatesTenantsServicesAndTemplates() {
    long k = ErrorGroupKey.of("acme", "checkout", 42L);

    assertThat(ErrorGroupKey.of("acme", "checkout", 42L)).isEqualTo(k);
    assertThat(ErrorGroupKey.of("acme", "payments", 42L)).isNotEqualTo(k);
    assertThat(ErrorGroupKey.of("other", "checkout", 42L)).isNotEqualTo(k);
    assertThat(ErrorGroupKey.of("acme", "checkout", 43L)).isNotEqualTo(k);
    assertThat(ErrorGroupKey.of("acmec", "heckout", 42L)).isNotEqualTo(k);
    assertThat(ErrorGroupKey.hex("acme", "checkout", 42L))
        .hasSize(16)
        .isEqualTo(TemplateIds.toHex(k));
  }

  @Test
  void templateIdsArePinnedSoAnAccidentalHashChangeFailsHere() {
    // Ids are persisted in alerts and state; changing the hash must be a deliberate migration.
    String[] tokens = {"Failed", "password", "for", "<*>"};
    assertThat(TemplateIds.toHex(TemplateIds.templateId("acme/checkout", tokens, 0)))
        .isEqualTo(PINNED_TEMPLATE_ID);
  }

  static final String PINNED_TEMPLATE_ID = "871bc16b53995351";
}
