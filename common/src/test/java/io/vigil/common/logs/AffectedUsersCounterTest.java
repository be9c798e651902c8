package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class AffectedUsersCounterTest {

  @Test
  void countsExactlyWhileSmall() {
    AffectedUsersCounter c = new AffectedUsersCounter(1000);
    for (int i = 0; i < 1000; i++) {
      c.add("user-" + (i % 700));
    }
    c.add(null);
    c.add("");
    assertThat(c.isExact()).isTrue();
    assertThat(c.count()).isEqualTo(700);
  }

  @Test
  void switchesToAnEstimateWithinAFewPercentWhenLarge() {
    AffectedUsersCounter c = new AffectedUsersCounter(1000);
    for (int i = 0; i < 50_000; i++) {
      c.add("user-" + i);
      c.add("user-" + (i / 2));
    }
    assertThat(c.isExact()).isFalse();
    assertThat(c.count()).isBetween(47_500L, 52_500L);
  }

  @Test
  void mergesExactAndSketchedCounters() {
    AffectedUsersCounter small = new AffectedUsersCounter(10);
    AffectedUsersCounter other = new AffectedUsersCounter(10);
    for (int i = 0; i < 5; i++) {
      small.add("a" + i);
      other.add("a" + i);
      other.add("b" + i);
    }
    small.merge(other);
    assertThat(small.isExact()).isTrue();
    assertThat(small.count()).isEqualTo(10);
    other.add("c");
    small.merge(other);
    assertThat(small.isExact()).isFalse();
    assertThat(small.count()).isEqualTo(11);
  }

  @Test
  void snapshotAndRestoreKeepTheCountInBothModes() throws IOException {
    AffectedUsersCounter exact = new AffectedUsersCounter(100);
    AffectedUsersCounter sketched = new AffectedUsersCounter(100);
    for (int i = 0; i < 50; i++) {
      exact.add("u" + i);
    }
    for (int i = 0; i < 5_000; i++) {
      sketched.add("u" + i);
    }
    AffectedUsersCounter e2 = roundTrip(exact);
    AffectedUsersCounter s2 = roundTrip(sketched);
    e2.add("u1");
    e2.add("new");
    assertThat(e2.count()).isEqualTo(51);
    assertThat(s2.isExact()).isFalse();
    assertThat(s2.count()).isEqualTo(sketched.count());
  }

  private static AffectedUsersCounter roundTrip(AffectedUsersCounter c) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    c.snapshot(new DataOutputStream(bytes));
    return AffectedUsersCounter.restore(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }
}
