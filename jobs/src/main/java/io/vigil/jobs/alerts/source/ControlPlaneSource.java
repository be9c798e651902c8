package io.vigil.jobs.alerts.source;

import io.vigil.jobs.alerts.ControlSnapshot;
import io.vigil.jobs.core.IdleWatermarks;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/** The control-plane source (a Source v2) and its watermark strategy. */
public final class ControlPlaneSource {
  private ControlPlaneSource() {}

  /** A source emitting one snapshot per {@code interval}, forever. */
  public static DataGeneratorSource<ControlSnapshot> polling(
      GeneratorFunction<Long, ControlSnapshot> poller, Duration interval) {
    return new DataGeneratorSource<>(
        poller,
        Long.MAX_VALUE,
        RateLimiterStrategy.perSecond(1000.0 / Math.max(1, interval.toMillis())),
        TypeInformation.of(ControlSnapshot.class));
  }

  /**
   * A source emitting one snapshot and finishing: for bounded runs (backfills, the demo, tests),
   * which could not finish while a polling source runs. Rule changes during such a run are not
   * seen; the snapshot is in the broadcast state of every checkpoint, so a restore keeps it.
   */
  public static DataGeneratorSource<ControlSnapshot> once(ControlPlanePoller poller) {
    return new DataGeneratorSource<>(
        poller.failingFast(),
        1,
        RateLimiterStrategy.noOp(),
        TypeInformation.of(ControlSnapshot.class));
  }

  /**
   * Snapshots are not events: their input must never move or hold back the event-time clock of the
   * operators it is connected to, so this input declares itself idle for good and is left out of
   * their watermark. (Emitting the maximum watermark instead is wrong: whenever the data input goes
   * idle, an operator would forward that maximum and every later event would be late.)
   */
  public static WatermarkStrategy<ControlSnapshot> watermarks() {
    return IdleWatermarks.strategy();
  }
}
