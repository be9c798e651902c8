package io.vigil.jobs.demo;

import io.vigil.jobs.core.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/** The demo's built-in log source: the log scenario's messages as raw records. */
public final class DemoLogSource {
  private DemoLogSource() {}

  /** A bounded source of {@link DemoLogScenario#records()} raw records. */
  public static DataGeneratorSource<RawRecord> create(DemoLogScenario scenario) {
    GeneratorFunction<Long, RawRecord> f =
        i -> new RawRecord("demo-logs", 0, i, scenario.start(), scenario.message(i));
    return new DataGeneratorSource<>(
        f, scenario.records(), RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
  }
}
