package io.vigil.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.model.ScoredPoint;
import io.vigil.jobs.core.DeadLetter;
import io.vigil.jobs.core.RawRecord;
import io.vigil.jobs.metrics.functions.SeriesState;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/**
 * Every record that crosses the network or sits in state gets Flink's POJO serializer, not Kryo.
 */
class TypesTest {

  @Test
  void recordsAreSerializedAsPojosNotGenericTypes() {
    for (Class<?> c :
        List.of(
            MetricPoint.class,
            Anomaly.class,
            ScoredPoint.class,
            DeadLetter.class,
            RawRecord.class,
            SeriesState.class,
            io.vigil.jobs.metrics.functions.CounterRateFunction.Reading.class,
            io.vigil.common.model.LogEvent.class,
            io.vigil.common.logs.WindowCounts.class,
            io.vigil.jobs.logs.functions.MinedLog.class,
            io.vigil.jobs.logs.functions.TemplateRow.class,
            io.vigil.common.logs.ErrorGroupRow.class,
            io.vigil.jobs.logs.functions.TemplateStats.class,
            io.vigil.jobs.logs.functions.ErrorGroupState.class,
            io.vigil.jobs.logs.functions.FeatureWindow.class,
            io.vigil.jobs.logs.functions.LogAnomaly.class,
            io.vigil.jobs.alerts.functions.ThresholdChangeFunction.Changes.class,
            io.vigil.jobs.alerts.functions.KeptPoints.class,
            io.vigil.common.alerts.IncomingAlert.class,
            io.vigil.common.alerts.AlertAnalysis.Evidence.class,
            io.vigil.jobs.alerts.incoming.IncomingAlertRow.class,
            io.vigil.common.drift.ResourceState.class,
            io.vigil.jobs.drift.DriftState.class,
            io.vigil.jobs.drift.DriftRow.class,
            io.vigil.jobs.catalog.ServiceSighting.class)) {
      TypeInformation<?> t = TypeInformation.of(c);
      assertThat(t).as(c.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
      PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) t;
      for (int i = 0; i < pojo.getArity(); i++) {
        assertThat(pojo.getTypeAt(i))
            .as(c.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName())
            .isNotInstanceOf(GenericTypeInfo.class);
      }
    }
  }
}
