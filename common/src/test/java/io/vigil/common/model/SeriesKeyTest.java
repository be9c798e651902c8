package io.vigil.common.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesKeyTest {

  @Test
  void tagOrderDoesNotChangeTheKey() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    assertThat(SeriesKey.of("t", "s", "m", ab)).isEqualTo(SeriesKey.of("t", "s", "m", ba));
  }

  @Test
  void differentTagsOrNamesGiveDifferentKeys() {
    assertThat(SeriesKey.of("t", "s", "m", Map.of("a", "1")))
        .isNotEqualTo(SeriesKey.of("t", "s", "m", Map.of("a", "2")))
        .isNotEqualTo(SeriesKey.of("t", "s", "m", Map.of()))
        .isNotEqualTo(SeriesKey.of("t", "sm", "", Map.of("a", "1")));
  }

  @Test
  void pointOfTheKeyRestoresTheSeries() {
    MetricPoint p = new MetricPoint("t", "s", "m", Map.of("host", "a=b", "dc", "x"), 5, 1);
    MetricPoint q = SeriesKey.point(p.series(), 7, 2);
    assertThat(q.series()).isEqualTo(p.series());
    assertThat(q.tags()).isEqualTo(p.tags());
    assertThat(SeriesKey.display(p.series())).isEqualTo("t/s/m{dc=x,host=a=b}");
  }
}
