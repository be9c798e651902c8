package io.vigil.jobs.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.jobs.config.VigilConfig;
import io.vigil.jobs.core.RawRecord;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.junit.jupiter.api.Test;

/** A restored bounded Kafka source tells each registering reader that no splits will follow. */
class RestoredBoundedKafkaSourceTest {

  @Test
  void aRegisteringReaderGetsItsSplitsThenTheEndOfSplits() {
    List<String> calls = new ArrayList<>();
    var enumerator =
        new RestoredBoundedKafkaSource.NoMoreSplitsOnRegistration(
            recorder(SplitEnumerator.class, "kafka", calls),
            recorder(SplitEnumeratorContext.class, "context", calls));
    enumerator.addReader(1);
    enumerator.addSplitsBack(List.of(), 0);
    enumerator.addReader(0);
    assertThat(calls)
        .containsExactly(
            "kafka.addReader[1]",
            "context.signalNoMoreSplits[1]",
            "kafka.addSplitsBack[[], 0]",
            "kafka.addReader[0]",
            "context.signalNoMoreSplits[0]");
  }

  @Test
  void onlyARestoredBoundedSourceWhoseDiscoveryFinishedIsWrapped() throws Exception {
    SplitEnumeratorContext<KafkaPartitionSplit> context =
        recorder(SplitEnumeratorContext.class, "context", new ArrayList<>());
    assertThat(source(true).restoreEnumerator(context, new KafkaSourceEnumState(Set.of(), true)))
        .isInstanceOf(RestoredBoundedKafkaSource.NoMoreSplitsOnRegistration.class);
    assertThat(source(true).restoreEnumerator(context, new KafkaSourceEnumState(Set.of(), false)))
        .isNotInstanceOf(RestoredBoundedKafkaSource.NoMoreSplitsOnRegistration.class);
    assertThat(source(false).restoreEnumerator(context, new KafkaSourceEnumState(Set.of(), true)))
        .isNotInstanceOf(RestoredBoundedKafkaSource.NoMoreSplitsOnRegistration.class);
  }

  private static RestoredBoundedKafkaSource<RawRecord> source(boolean bounded) {
    VigilConfig config =
        VigilConfig.fromMap(
            Map.of("kafka.bounded", String.valueOf(bounded), "kafka.starting-offsets", "earliest"),
            Map.of());
    return KafkaSources.raw(config, "t", "g");
  }

  /** An implementation of {@code type} that records each call as name[args] and returns null. */
  @SuppressWarnings("unchecked")
  private static <T> T recorder(Class<?> type, String name, List<String> calls) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("hashCode") ? 0 : name;
              }
              calls.add(
                  name
                      + "."
                      + method.getName()
                      + Arrays.toString(args == null ? new Object[0] : args));
              return null;
            });
  }
}
