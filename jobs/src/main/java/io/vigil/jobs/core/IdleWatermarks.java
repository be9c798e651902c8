package io.vigil.jobs.core;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * For side inputs whose records are not events (rules, on-call feedback): the input declares itself
 * idle for good, so the operators it is connected to leave it out of their event-time clock.
 * Without it, an unbounded input that never emits a watermark holds the other input's watermark at
 * {@code Long.MIN_VALUE}: the scoring operator's event time stood still in every unbounded run, so
 * no dropout or state-expiry timer fired and the alerting downstream applied no signal (found by
 * the upgrade test). Emitting {@code Long.MAX_VALUE} instead is wrong too: whenever the data input
 * goes idle, an operator would forward that maximum and every later event would be late.
 */
public final class IdleWatermarks {
  private IdleWatermarks() {}

  public static <T> WatermarkStrategy<T> strategy() {
    return ctx ->
        new WatermarkGenerator<>() {
          @Override
          public void onEvent(T e, long ts, WatermarkOutput out) {}

          @Override
          public void onPeriodicEmit(WatermarkOutput out) {
            out.markIdle();
          }
        };
  }
}
