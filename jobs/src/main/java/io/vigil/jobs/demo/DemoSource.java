package io.vigil.jobs.demo;

import io.vigil.jobs.core.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The demo's built-in source: the scenario's messages as raw records, as Kafka would carry them.
 */
public final class DemoSource {
  /** Paced so that open alerts get re-checked while event time moves (7,200 minutes in ~5 s). */
  static final double RECORDS_PER_SECOND = 1500;

  private DemoSource() {}

  /** A bounded source of {@link DemoScenario#records()} raw records. */
  public static DataGeneratorSource<RawRecord> create(DemoScenario scenario) {
    GeneratorFunction<Long, RawRecord> f = i -> toRecord(scenario, i);
    return new DataGeneratorSource<>(
        f,
        scenario.records(),
        RateLimiterStrategy.perSecond(RECORDS_PER_SECOND),
        TypeInformation.of(RawRecord.class));
  }

  private static RawRecord toRecord(DemoScenario scenario, long i) {
    return new RawRecord(
        "demo", 0, i, scenario.start() + i * DemoScenario.MINUTE, scenario.message(i));
  }
}
