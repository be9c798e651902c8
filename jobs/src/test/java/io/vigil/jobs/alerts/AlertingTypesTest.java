package io.vigil.jobs.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.common.alerts.AlertState;
import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.Signal;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.alerts.functions.AbsenceState;
import io.vigil.jobs.alerts.notify.NotificationRequest;
import io.vigil.jobs.alerts.notify.NotificationResult;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** Alerting records (Map and List fields included) get POJO serializers, never Kryo. */
class AlertingTypesTest {

  @Test
  void alertingRecordsAreNotGenericTypes() {
    SerializerConfigImpl noGenerics = new SerializerConfigImpl();
    noGenerics.setGenericTypes(false);
    for (Class<?> c :
        List.of(
            RuleEvent.class,
            Signal.class,
            AlertState.class,
            AlertTransition.class,
            ControlSnapshot.class,
            AbsenceState.class,
            NotificationRequest.class,
            NotificationResult.class)) {
      TypeInformation<?> t = TypeInformation.of(c);
      assertThat(t).as(c.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
      PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) t;
      for (int i = 0; i < pojo.getArity(); i++) {
        assertThat(pojo.getTypeAt(i))
            .as(c.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName())
            .isNotInstanceOf(GenericTypeInfo.class);
      }
      t.createSerializer(noGenerics); // throws if anything falls back to Kryo
    }
  }
}
