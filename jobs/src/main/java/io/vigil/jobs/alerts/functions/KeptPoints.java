package io.vigil.jobs.alerts.functions;

import io.vigil.common.rules.RuleEvent;
import java.util.Arrays;

/**
 * The recent points of one series as a change filter keeps them in keyed state, ascending by time:
 * time, value, flag, and whether each was forwarded. A POJO, so the state can evolve.
 */
public class KeptPoints {
  public long[] ts = new long[0];
  public double[] values = new double[0];
  public boolean[] hits = new boolean[0];

  /** Whether the point was forwarded. */
  public boolean[] sent = new boolean[0];

  public KeptPoints() {}

  /** Inserts {@code e}, not sent, after the points at or before its time; returns its index. */
  int insert(RuleEvent e) {
    int n = ts.length;
    int at = n;
    while (at > 0 && ts[at - 1] > e.timestamp()) {
      at--;
    }
    ts = Arrays.copyOf(ts, n + 1);
    System.arraycopy(ts, at, ts, at + 1, n - at);
    ts[at] = e.timestamp();
    values = Arrays.copyOf(values, n + 1);
    System.arraycopy(values, at, values, at + 1, n - at);
    values[at] = e.value();
    hits = Arrays.copyOf(hits, n + 1);
    System.arraycopy(hits, at, hits, at + 1, n - at);
    hits[at] = e.hit();
    sent = Arrays.copyOf(sent, n + 1);
    System.arraycopy(sent, at, sent, at + 1, n - at);
    sent[at] = false;
    return at;
  }

  /** Forgets the {@code n} oldest points. */
  void dropFirst(int n) {
    if (n > 0) {
      ts = Arrays.copyOfRange(ts, n, ts.length);
      values = Arrays.copyOfRange(values, n, values.length);
      hits = Arrays.copyOfRange(hits, n, hits.length);
      sent = Arrays.copyOfRange(sent, n, sent.length);
    }
  }

  /** The number of points kept. */
  int count() {
    return ts.length;
  }

  /** Point {@code i} as an event of {@code like}'s series and rule. */
  RuleEvent event(RuleEvent like, int i) {
    return like.withPoint(ts[i], values[i], hits[i]);
  }
}
