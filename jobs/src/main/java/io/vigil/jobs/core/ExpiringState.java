package io.vigil.jobs.core;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Keyed value state forgotten a while after its last write. */
public final class ExpiringState {
  private ExpiringState() {}

  /**
   * A descriptor whose state expires {@code retentionMs} of processing time after it was last
   * written (never returned once expired); {@code retentionMs <= 0} keeps it forever.
   */
  public static <T> ValueStateDescriptor<T> descriptor(
      String name, TypeInformation<T> type, long retentionMs) {
    ValueStateDescriptor<T> d = new ValueStateDescriptor<>(name, type);
    if (retentionMs > 0) {
      d.enableTimeToLive(
          StateTtlConfig.newBuilder(Duration.ofMillis(retentionMs))
              .updateTtlOnCreateAndWrite()
              .neverReturnExpired()
              .build());
    }
    return d;
  }
}
