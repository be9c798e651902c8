package io.vigil.jobs.alerts.incoming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertAnalysis;
import io.vigil.common.alerts.IncomingAlert;
import io.vigil.common.codec.ErrorGroupJsonCodec;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.core.RecordDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which messages of the error-groups topic become evidence for the Alertmanager analysis. */
class ErrorGroupEvidenceTest {
  static final long MIN = 60_000;
  static final RecordDecoder<ServiceEvidence> DECODER =
      IncomingAlertsPipeline.errorGroupDecoder(70 * MIN);

  static RecordDecoder.Decoded<ServiceEvidence> decode(byte[] value) {
    return DECODER.decode(new RawRecord("t", 0, 0, 0, value));
  }

  static byte[] group(long firstSeen, long lastSeen, String mergedInto) {
    return ErrorGroupJsonCodec.encode(
        new ErrorGroupRow(
            "acme",
            "checkout",
            "e1",
            "t1",
            "gateway timeout after <*> ms",
            "ERROR",
            "gateway timeout after 3000 ms",
            firstSeen,
            lastSeen,
            12,
            3,
            true,
            mergedInto));
  }

  @Test
  void aGroupThatCanBeNewAroundAnAlertIsEvidenceOfItsService() {
    var d = decode(group(100 * MIN, 170 * MIN, null));
    assertThat(d.errors()).isEmpty();
    assertThat(d.values()).hasSize(1);
    ServiceEvidence e = d.values().get(0);
    assertThat(e.serviceKey()).isEqualTo(IncomingAlert.serviceKey("acme", "checkout"));
    assertThat(e.evidence().component()).isEqualTo(AlertAnalysis.NEW_ERROR);
    assertThat(e.evidence().timestamp()).isEqualTo(100 * MIN);
    assertThat(e.evidence().score()).isEqualTo(12);
  }

  @Test
  void oldAndMergedGroupsAreSkippedAndUnusableMessagesSayWhy() {
    // first seen more than lookback + lookahead before its last occurrence: no news any more
    assertThat(decode(group(100 * MIN, 171 * MIN, null)).values()).isEmpty();
    assertThat(decode(group(100 * MIN, 100 * MIN, "e0")).values()).isEmpty();
    var bad = decode("{\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(bad.values()).isEmpty();
    assertThat(bad.errors()).containsExactly("field 'service' must be a non-empty string");
  }
}
