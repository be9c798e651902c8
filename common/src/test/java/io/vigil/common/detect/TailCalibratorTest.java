package io.vigil.common.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TailCalibratorTest {
  private static final double U0 = 7.0;

  @Test
  void freshCalibratorIsTheNominalModel() {
    TailCalibrator c = new TailCalibrator(1, U0);
    assertThat(c.calibrated(0, 3.0, U0)).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(c.calibrated(0, 20.0, U0))
        .isCloseTo(20.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void recurringHugeSurprisesStopBeingNews() {
    TailCalibrator c = new TailCalibrator(1, U0);
    double first = c.calibrated(0, 100.0, U0);
    for (int i = 0; i < 2000; i++) {
      double u = i % 50 == 0 ? 100.0 : 0.5;
      c.learn(0, u, U0, 0.002, 0.1, 4.0);
    }
    assertThat(c.calibrated(0, 100.0, U0)).isLessThan(first / 5);
  }

  @Test
  void oneIncidentDoesNotBlindTheCalibrator() {
    TailCalibrator c = new TailCalibrator(1, U0);
    for (int i = 0; i < 5; i++) {
      c.learn(0, 150.0, U0, 0.002, 0.1, 4.0);
    }
    assertThat(c.calibrated(0, 60.0, U0)).isGreaterThan(15.0);
  }
}
