package io.vigil.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.codec.MetricJsonCodec;
import io.vigil.common.model.MetricPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.metrics.MetricsJobTags;
import java.nio.charset.StandardCharsets;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParseMetricsFunctionTest {

  @Test
  void goodElementsFlowOnAndEachBadOneBecomesADeadLetterWithItsOrigin() throws Exception {
    var f =
        new ParseMetricsFunction(
            new MetricJsonCodec(MetricJsonCodec.Limits.defaults()), MetricsJobTags.DEAD_LETTERS);
    try (var h = ProcessFunctionTestHarnesses.forProcessFunction(f)) {
      byte[] msg =
          ("[{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":1},"
                  + "{\"tenant\":\"t\",\"metric\":\"m\",\"timestamp\":1700000000000,\"value\":1},"
                  + "{\"tenant\":\"t\",\"source\":\"s\",\"metric\":\"m\",\"timestamp\":\"x\",\"value\":1}]")
              .getBytes(StandardCharsets.UTF_8);
      h.processElement(new StreamRecord<>(new RawRecord("in", 3, 42, 7, msg)));
      h.processElement(new StreamRecord<>(new RawRecord("in", 3, 43, 8, new byte[] {'x'})));

      assertThat(h.extractOutputValues()).extracting(MetricPoint::source).containsExactly("s");
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS))
          .extracting(StreamRecord::getValue)
          .extracting(DeadLetter::reason, DeadLetter::offset)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("[1] missing field 'source'", 42L),
              org.assertj.core.groups.Tuple.tuple(
                  "[2] field 'timestamp' is not RFC 3339: 'x'", 42L),
              org.assertj.core.groups.Tuple.tuple(
                  "invalid JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                  43L));
      assertThat(h.getSideOutput(MetricsJobTags.DEAD_LETTERS))
          .allSatisfy(r -> assertThat(r.getValue().topic()).isEqualTo("in"));
    }
  }
}
