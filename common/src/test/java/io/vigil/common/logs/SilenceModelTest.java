package io.vigil.common.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SilenceModelTest {
  private static final long W = 60_000;
  private static final double NATS = 0.4 * 10 * Math.log(10); // the default anomaly threshold
  private static final int WARMUP = 10;

  /** Windows 0..n-1 from {@code first}, active where the service logged; returns the next. */
  private static long feed(SilenceModel m, long first, boolean[] active) {
    for (int i = 0; i < active.length; i++) {
      if (active[i]) {
        m.active((first + i) * W, W);
      }
    }
    return first + active.length;
  }

  private static boolean[] all(int n, boolean v) {
    boolean[] a = new boolean[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** Windows of a service logging Poisson(rate) events a window: active when at least one. */
  private static boolean[] poisson(int n, double rate, Random r) {
    boolean[] a = new boolean[n];
    double empty = Math.exp(-rate);
    for (int i = 0; i < n; i++) {
      a[i] = r.nextDouble() >= empty;
    }
    return a;
  }

  /** Empty windows after the last active one until the silence is news; -1 if never. */
  private static long run(SilenceModel m) {
    long at = m.reportAt(NATS, WARMUP, W, 10_000);
    return at < 0 ? -1 : (at - m.lastActive()) / W - 1;
  }

  @Test
  void aSteadyServiceIsNewsAfterAFewEmptyWindowsAndASparseOneAfterMore() {
    SilenceModel steady = new SilenceModel(SilenceModel.DEFAULT_ALPHA);
    feed(steady, 0, all(2_000, true));
    long steadyRun = run(steady);
    assertThat(steadyRun).isBetween(2L, 4L);
    assertThat(steady.evidenceUntil(steady.lastActive() + (steadyRun + 1) * W, W))
        .isGreaterThanOrEqualTo(NATS);
    assertThat(steady.evidenceUntil(steady.lastActive() + steadyRun * W, W)).isLessThan(NATS);

    SilenceModel sparse = new SilenceModel(SilenceModel.DEFAULT_ALPHA);
    feed(sparse, 0, poisson(5_000, 2.0, new Random(7)));
    // empty windows come 13.5% of the time, runs of them as often as chance makes them
    assertThat(sparse.emptyAfterActive()).isBetween(0.10, 0.17);
    assertThat(sparse.emptyAfterEmpty()).isBetween(0.08, 0.20);
    long sparseRun = run(sparse);
    assertThat(sparseRun).isGreaterThan(steadyRun + 3);
    // what chance gives in 8 hours of such windows is not news: a run of 5 has p = 2e-4 a window
    assertThat(sparse.evidenceUntil(sparse.lastActive() + 6 * W, W)).isLessThan(NATS);
  }

  @Test
  void aNightlyQuietIsNotNewsButAnOutageInTheServicesHoursIsEveryTime() {
    SilenceModel m = new SilenceModel(SilenceModel.DEFAULT_ALPHA);
    Random r = new Random(3);
    long next = 9 * 60; // 09:00 on day 0; busy 09:00-24:00, quiet 00:00-09:00
    for (int day = 0; day < 4; day++) {
      next = feed(m, next, poisson(900, 5, r));
      long quietEnds = next + 540;
      long at = m.reportAt(NATS, WARMUP, W, 10_000);
      assertThat(at < 0 || at > quietEnds * W)
          .as("night %d: quiet hours the service never logs in are not news", day + 1)
          .isTrue();
      next = quietEnds;
    }
    // an outage at 15:00 on day 4: news within minutes, and the next one too
    next = feed(m, next, poisson(360, 5, r));
    long outage = run(m);
    assertThat(outage).isBetween(2L, 4L);
    SilenceModel unreported = SilenceModel.restore(m.snapshot(), SilenceModel.DEFAULT_ALPHA);
    m.reported();
    next += 120; // two hours without logs, then back
    boolean[] after = poisson(120, 5, r);
    feed(m, next, after);
    feed(unreported, next, after);
    assertThat(run(m)).as("the reported outage taught nothing").isBetween(2L, 4L);
    assertThat(run(unreported))
        .as("had it not been reported, its run would have been learnt")
        .isGreaterThan(run(m) + 10);
  }

  @Test
  void nothingIsReportedDuringWarmUpOrTwiceForOneSilence() {
    SilenceModel m = new SilenceModel(SilenceModel.DEFAULT_ALPHA);
    feed(m, 0, all(WARMUP - 1, true));
    assertThat(run(m)).isEqualTo(-1);
    m.active(WARMUP * W, W);
    assertThat(run(m)).isPositive();
    m.reported();
    assertThat(run(m)).as("this silence was reported").isEqualTo(-1);
    m.active((WARMUP + 20) * W, W);
    assertThat(run(m)).as("the next one may be").isPositive();
  }

  @Test
  void aRestoredModelGivesTheVerdictsOfAnUninterruptedOne() {
    boolean[] windows = poisson(3_000, 1.5, new Random(11));
    SilenceModel whole = new SilenceModel(SilenceModel.DEFAULT_ALPHA);
    feed(whole, 0, windows);
    SilenceModel first = new SilenceModel(SilenceModel.DEFAULT_ALPHA);
    feed(first, 0, java.util.Arrays.copyOf(windows, 1_500));
    byte[] state = first.snapshot();
    assertThat(state).hasSize(538);
    SilenceModel resumed = SilenceModel.restore(state, SilenceModel.DEFAULT_ALPHA);
    feed(resumed, 1_500, java.util.Arrays.copyOfRange(windows, 1_500, 3_000));
    assertThat(resumed.snapshot()).isEqualTo(whole.snapshot());
    assertThat(run(resumed)).isEqualTo(run(whole)).isPositive();
  }

  /**
   * Services that never stop, whose event rate follows a daily cycle (busy days, nights at a
   * tenth), at average rates from one event in two minutes to 50 a minute: false silences over four
   * weeks, printed, and at most one a week for each.
   */
  @Test
  void servicesWithADailyCycleThatNeverStopRarelyLookSilent() {
    int days = 28;
    for (double rate : new double[] {0.5, 1, 2, 5, 50}) {
      SilenceModel m = new SilenceModel(SilenceModel.DEFAULT_ALPHA);
      Random r = new Random((long) (rate * 100));
      int falseSilences = 0;
      long armed = -1;
      for (int w = 0; w < days * 1440; w++) {
        double hour = (w % 1440) / 60.0;
        double cycle = 0.1 + 0.9 * Math.max(0, Math.sin(Math.PI * (hour - 6) / 14));
        double lambda = rate * cycle / 0.6; // about `rate` events a minute on average
        if (armed >= 0 && (long) w * W >= armed) {
          falseSilences++; // the silence timer fired before this window's events
          armed = -1;
          m.reported();
        }
        if (r.nextDouble() >= Math.exp(-lambda)) {
          m.active((long) w * W, W);
          armed = m.reportAt(NATS, WARMUP, W, 1440);
        }
      }
      System.out.printf(
          "daily-cycle service, %.1f events a minute: %d false silences in %d days%n",
          rate, falseSilences, days);
      assertThat(falseSilences).as("rate %s", rate).isLessThanOrEqualTo(days / 7);
    }
  }
}
