package io.vigil.common.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static final long T = 1396310400000L; // 2014-04-01T00:00:00Z

  @Test
  void readsNabRfc3339AndEpochMillis() {
    assertThat(Timestamps.parseMillis("2014-04-01 00:00:00")).isEqualTo(T);
    assertThat(Timestamps.parseMillis("2014-04-01 00:00:00.000000")).isEqualTo(T);
    assertThat(Timestamps.parseMillis("2014-04-01T00:00:00Z")).isEqualTo(T);
    assertThat(Timestamps.parseMillis("2014-04-01T02:00:00+02:00")).isEqualTo(T);
    assertThat(Timestamps.parseMillis("2014-03-31T22:00:00-02:00")).isEqualTo(T);
    assertThat(Timestamps.parseMillis(Long.toString(T))).isEqualTo(T);
  }
}
