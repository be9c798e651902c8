package io.vigil.common.logs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * When a service's logs stopping is news: how long a run of windows without a single event must be
 * before it is unlikely for this service.
 *
 * <p>Only the service's usual hours count: an empty window counts if the service logged in the same
 * hour of the day (UTC) that day or the day before, so a service that is quiet every night (a batch
 * job, an office-hours application) is not flagged at night, and one seen for less than a day is
 * only judged on the hours it has shown.
 *
 * <p>Counted windows are a two-state chain, active (some event) or empty: {@code q0}, the chance
 * that a window after an active one is empty, and {@code q1}, the chance that an empty one is
 * followed by another. Each is a running mean of the transitions seen until {@code 1/alpha} of
 * them, then an exponentially weighted one at {@code alpha}, kept within {@code [alpha, 1 - alpha]}
 * (the finest rate that memory can tell). Both are kept for the whole day and per hour of the day
 * of the window a transition leads to (a sparse service's windows are empty far more often at night
 * than at noon); an hour's chance is shrunk towards the all-day one by 20 transitions, so an hour
 * seen a few times says little. Until the service has shown a run of two empty windows, {@code q1}
 * is taken equal to {@code q0} (empty windows independent: the null model). A run of {@code L}
 * empty windows then has probability {@code q0 q1^(L-1)} (each factor that of its window's hour),
 * and it is news only if such a run is unlikely anywhere in the rates' memory: the evidence is
 * {@code -ln(q0 q1^(L-1)) - ln(1/alpha)} nats, the reasoning of the metrics detector's stuck
 * component. A reported run is an incident, not the service's habit, and is not learnt, so an
 * outage does not make the next one look ordinary.
 *
 * <p>A steady service (an event in nearly every window) is news after about three empty windows;
 * one that logs a couple of events a window, whose windows are empty now and then, after several
 * more.
 *
 * <p>Pure and deterministic: the same windows give the same verdicts, and {@link #snapshot()} /
 * {@link #restore(byte[], double)} carry it through Flink state (format byte 1, 538 bytes per
 * service).
 */
public final class SilenceModel {
  /** The name recorded with silence anomalies. */
  public static final String ALGORITHM = "log-silence";

  /** Bumped when the model or its defaults change. */
  public static final String VERSION = "1";

  /** Default memory of the rates: 500 windows (8 hours of one-minute windows). */
  public static final double DEFAULT_ALPHA = 0.002;

  private static final byte FORMAT = 1;
  private static final long NONE = Long.MIN_VALUE;
  private static final long MAX_LEARNT_RUN = 100_000;
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final double PRIOR_TRANSITIONS = 20;

  private final double alpha;
  private double q0;
  private double q1;
  private long n0;
  private long n1;

  /** The same chances per hour of the day of the window they lead to, and their counts. */
  private final float[] q0h = new float[24];

  private final float[] q1h = new float[24];
  private final int[] n0h = new int[24];
  private final int[] n1h = new int[24];
  private boolean sawRun;
  private long activeWindows;
  private long lastActive = NONE;
  private long reportedFor = NONE;

  /** Per hour of the day (UTC), the last day the service logged in it. */
  private final int[] hourLastDay = new int[24];

  public SilenceModel(double alpha) {
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new IllegalArgumentException("alpha must be in (0, 0.5), was " + alpha);
    }
    this.alpha = alpha;
    java.util.Arrays.fill(hourLastDay, Integer.MIN_VALUE);
  }

  private static int day(long t) {
    return (int) Math.floorDiv(t, DAY);
  }

  private static int hour(long t) {
    return (int) (Math.floorMod(t, DAY) / HOUR);
  }

  /** Whether the service logged in this window's hour of the day, that day or the day before. */
  private boolean usual(long windowStart) {
    int last = hourLastDay[hour(windowStart)];
    return last != Integer.MIN_VALUE && last >= day(windowStart) - 1;
  }

  /**
   * Learns an active window, starting at {@code start}, windows being {@code windowMillis} long and
   * seen in time order; the empty windows since the last active one in the service's usual hours
   * are the run it ended (a reported run is an incident, not a habit: it is not learnt).
   */
  public void active(long start, long windowMillis) {
    if (lastActive != NONE && start > lastActive && reportedFor != lastActive) {
      long gap = (start - lastActive) / windowMillis - 1;
      boolean afterEmpty = false;
      long run = 0;
      for (long i = 1; i <= Math.min(gap, MAX_LEARNT_RUN); i++) {
        long w = lastActive + i * windowMillis;
        if (usual(w)) {
          transition(afterEmpty, hour(w), 1);
          afterEmpty = true;
          run++;
        }
      }
      sawRun |= run >= 2;
      transition(afterEmpty, hour(start), 0);
    }
    if (lastActive == NONE || start > lastActive) {
      lastActive = start;
      activeWindows++;
    }
    hourLastDay[hour(start)] = Math.max(hourLastDay[hour(start)], day(start));
  }

  /** Learns one transition into a window of hour {@code h}, empty ({@code x} 1) or active (0). */
  private void transition(boolean afterEmpty, int h, double x) {
    if (afterEmpty) {
      q1 = learn(q1, x, n1++);
      q1h[h] = (float) learn(q1h[h], x, n1h[h]);
      n1h[h] = (int) Math.min(Integer.MAX_VALUE, n1h[h] + 1L);
    } else {
      q0 = learn(q0, x, n0++);
      q0h[h] = (float) learn(q0h[h], x, n0h[h]);
      n0h[h] = (int) Math.min(Integer.MAX_VALUE, n0h[h] + 1L);
    }
  }

  private double learn(double q, double x, long n) {
    double rate = Math.max(alpha, 1.0 / (n + 1));
    double next = q + rate * (x - q);
    return Math.min(1 - alpha, Math.max(alpha, next));
  }

  /**
   * The hour's chance, shrunk towards the all-day one by {@link #PRIOR_TRANSITIONS} transitions (an
   * hour seen a few times says little).
   */
  private double blend(float hourly, int n, double overall) {
    return (n * (double) hourly + PRIOR_TRANSITIONS * overall) / (n + PRIOR_TRANSITIONS);
  }

  /** The evidence, in nats, of an empty window of hour {@code h}, the first of its run or not. */
  private double surprise(int h, boolean first) {
    double q = first || !sawRun ? blend(q0h[h], n0h[h], q0) : blend(q1h[h], n1h[h], q1);
    return -Math.log(q);
  }

  /** The evidence that the silence from the last active window up to {@code end} is news. */
  public double evidenceUntil(long end, long windowMillis) {
    if (n0 == 0) {
      return 0;
    }
    double nats = -Math.log(1 / alpha);
    boolean first = true;
    for (long w = lastActive + windowMillis; w + windowMillis <= end; w += windowMillis) {
      if (usual(w)) {
        nats += surprise(hour(w), first);
        first = false;
      }
    }
    return first ? 0 : nats;
  }

  /**
   * When the silence after the last active window becomes news: the end of the empty window whose
   * evidence (counting empty windows in the service's usual hours) first reaches {@code nats}; -1
   * if fewer than {@code warmup} active windows were seen, this silence was already reported, or it
   * would not be news within {@code maxWindows} windows.
   */
  public long reportAt(double nats, int warmup, long windowMillis, int maxWindows) {
    if (activeWindows < warmup || n0 == 0 || reportedFor == lastActive) {
      return -1;
    }
    return reachedAt(nats, windowMillis, maxWindows);
  }

  /**
   * The end of the empty window after the last active one whose evidence first reaches {@code nats}
   * (whether or not this silence was reported), or -1 if none within {@code maxWindows}.
   */
  public long reachedAt(double nats, long windowMillis, int maxWindows) {
    if (n0 == 0) {
      return -1;
    }
    double evidence = -Math.log(1 / alpha);
    boolean first = true;
    for (int i = 1; i <= maxWindows; i++) {
      long w = lastActive + i * windowMillis;
      if (usual(w)) {
        evidence += surprise(hour(w), first);
        first = false;
        if (evidence >= nats) {
          return w + windowMillis;
        }
      }
    }
    return -1;
  }

  /** Notes that the silence after the last active window was reported. */
  public void reported() {
    reportedFor = lastActive;
  }

  /** The start of the last active window; {@link Long#MIN_VALUE} before any. */
  public long lastActive() {
    return lastActive;
  }

  /** The chance that a window after an active one is empty. */
  public double emptyAfterActive() {
    return q0;
  }

  /** The chance that an empty window is followed by another, as the evidence uses it. */
  public double emptyAfterEmpty() {
    return sawRun ? q1 : q0;
  }

  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(560);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeDouble(q0);
      out.writeDouble(q1);
      out.writeLong(n0);
      out.writeLong(n1);
      for (int h = 0; h < 24; h++) {
        out.writeFloat(q0h[h]);
        out.writeFloat(q1h[h]);
        out.writeInt(n0h[h]);
        out.writeInt(n1h[h]);
      }
      out.writeBoolean(sawRun);
      out.writeLong(activeWindows);
      out.writeLong(lastActive);
      out.writeLong(reportedFor);
      for (int d : hourLastDay) {
        out.writeInt(d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static SilenceModel restore(byte[] state, double alpha) {
    SilenceModel m = new SilenceModel(alpha);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown silence model format " + format);
      }
      m.q0 = in.readDouble();
      m.q1 = in.readDouble();
      m.n0 = in.readLong();
      m.n1 = in.readLong();
      for (int h = 0; h < 24; h++) {
        m.q0h[h] = in.readFloat();
        m.q1h[h] = in.readFloat();
        m.n0h[h] = in.readInt();
        m.n1h[h] = in.readInt();
      }
      m.sawRun = in.readBoolean();
      m.activeWindows = in.readLong();
      m.lastActive = in.readLong();
      m.reportedFor = in.readLong();
      for (int h = 0; h < 24; h++) {
        m.hourLastDay[h] = in.readInt();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }
}
