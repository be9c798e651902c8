#!/usr/bin/env python3
"""Writes a labelled synthetic corpus in NAB's layout, a check of generality on data nobody tuned for.

usage: synthetic-corpus.py OUT_DIR [SEED=1] [FILES_PER_FAMILY=4]

OUT_DIR/data/<family>/<family>_<k>.csv (timestamp,value) and OUT_DIR/labels/combined_windows.json,
which `vigil backtest --labels` and NAB's nab_score.py read as they read NAB. Six families of series
a monitoring system sees (5-minute points, 4,000-12,000 of them), each with its own routine
behaviour that is NOT an anomaly (daily and weekly cycles, autocorrelation, heavy tails, routine
spikes, slow wander), and 1-3 injected incidents per file of seven kinds (spike, outage drop, level
shift, variance burst, slow drift, broken daily cycle, stuck value; in the mostly-idle family an activity
storm or a raised floor), sized against the spread of the two days before (1-5 robust deviations).
Windows follow NAB's rule: 10% of the file's length shared by its incidents, centred on each
incident's start; incidents start after the first 20% (NAB ignores the first 15%).

The families and incident sizes were written down before any detector ran on them and are not to be
tuned to: the figures are only worth something as long as nobody fits the detector to this corpus.
"""
import datetime as dt
import json
import math
import os
import sys

import numpy as np

STEP = dt.timedelta(minutes=5)
DAY = 288  # points per day
START = dt.datetime(2024, 3, 4)  # a Monday


def daily(n, phase=0.0, sharp=1.0):
  t = np.arange(n)
  d = 0.5 * (1 - np.cos(2 * math.pi * (t / DAY - phase)))  # 0 at night, 1 mid-day
  return d ** sharp


def weekend(n, factor):
  t = np.arange(n)
  dow = (t // DAY) % 7
  return np.where(dow >= 5, factor, 1.0)


def ar1(rng, n, phi, sd):
  e = rng.normal(0, sd * math.sqrt(1 - phi * phi), n)
  x = np.empty(n)
  x[0] = rng.normal(0, sd)
  for i in range(1, n):
    x[i] = phi * x[i - 1] + e[i]
  return x


def family_cpu(rng, n):
  """CPU utilisation in percent: AR(1) around a level with a mild daily load, routine short spikes."""
  base = rng.uniform(15, 50)
  v = base + rng.uniform(5, 15) * daily(n, rng.uniform(0, 1)) + ar1(rng, n, rng.uniform(0.5, 0.9), rng.uniform(1, 4))
  spikes = rng.random(n) < 1 / 400
  v = v + spikes * rng.uniform(10, 30, n)
  return np.clip(v, 0, 100)


def family_counts(rng, n):
  """Event counts per 5 minutes (mentions, orders): Poisson with a daily and weekly rate and wander."""
  base = rng.uniform(5, 80)
  rate = base * (0.3 + daily(n, rng.uniform(0.2, 0.4))) * weekend(n, rng.uniform(0.5, 0.9))
  rate = rate * np.exp(ar1(rng, n, 0.98, 0.2))
  return rng.poisson(rate).astype(float)


def family_latency(rng, n):
  """Request latency in ms: lognormal with a daily swing, heavy right tail."""
  mu = math.log(rng.uniform(50, 300)) + 0.3 * daily(n, rng.uniform(0.2, 0.5))
  return np.round(np.exp(mu + rng.normal(0, rng.uniform(0.1, 0.3), n)), 1)


def family_temperature(rng, n):
  """A temperature: slow wander plus a daily cycle and small noise."""
  v = rng.uniform(20, 70) + rng.uniform(1, 4) * daily(n, rng.uniform(0, 1)) + ar1(rng, n, 0.995, rng.uniform(1, 3))
  return v + rng.normal(0, 0.2, n)


def family_traffic(rng, n):
  """Requests per second of a web service: strong daily and weekly cycle, Gaussian noise."""
  peak = rng.uniform(100, 2000)
  v = peak * (0.15 + daily(n, rng.uniform(0.25, 0.45), 2.0)) * weekend(n, rng.uniform(0.4, 0.8))
  return v * (1 + rng.normal(0, rng.uniform(0.02, 0.06), n))


def family_queue(rng, n):
  """A queue depth or error count: mostly near zero, with routine bursts of activity."""
  v = np.zeros(n)
  i = 0
  while i < n:
    i += int(rng.exponential(rng.uniform(100, 300)))
    length = int(rng.integers(3, 20))
    v[i:i + length] += rng.exponential(rng.uniform(5, 20), len(v[i:i + length]))
    i += length
  return np.round(v + rng.poisson(0.3, n))


FAMILIES = {
  "cpu": family_cpu,
  "counts": family_counts,
  "latency": family_latency,
  "temperature": family_temperature,
  "traffic": family_traffic,
  "queue": family_queue,
}

KINDS = ["spike", "drop", "shift", "variance", "drift", "flat-cycle", "stuck"]


def marginal_sd(v, i):
  """Robust spread of the last two days (cycle included): what a human reading a chart compares with."""
  w = v[max(0, i - 2 * DAY):i]
  q75, q25 = np.percentile(w, [75, 25])
  return max((q75 - q25) / 1.349, 1e-3 * (np.max(np.abs(w)) + 1))


def inject(rng, v, i, kind, intermittent):
  n = len(v)
  sd = marginal_sd(v, i)
  sign = rng.choice([-1, 1])
  if intermittent:  # a mostly-idle series: incidents are sustained activity, not single values
    scale = max(np.percentile(v[max(0, i - 2 * DAY):i], 99), 1.0)
    length = int(rng.integers(36, 200))
    if kind == "shift":
      v[i:i + length] += rng.uniform(0.2, 0.5) * scale
    else:  # a storm: the routine bursts, back to back
      v[i:i + length] += rng.exponential(rng.uniform(0.3, 0.8) * scale, len(v[i:i + length]))
    return v
  if kind == "spike":
    v[i:i + int(rng.integers(1, 4))] += sign * rng.uniform(2, 5) * sd
  elif kind == "drop":
    length = int(rng.integers(6, 48))
    v[i:i + length] = v[i:i + length] * rng.uniform(0, 0.2)
  elif kind == "shift":
    length = int(rng.integers(DAY // 2, 3 * DAY))
    v[i:i + length] += sign * rng.uniform(1, 2.5) * sd
  elif kind == "variance":
    length = int(rng.integers(24, 200))
    seg = v[i:i + length]
    v[i:i + length] = seg + rng.normal(0, rng.uniform(1, 2) * sd, len(seg))
  elif kind == "drift":
    length = int(rng.integers(DAY // 2, 2 * DAY))
    ramp = np.minimum(np.arange(n - i) / length, 1.0) * sign * rng.uniform(2, 4) * sd
    v[i:] += ramp[: n - i] * (np.arange(n - i) < 3 * length)
  elif kind == "flat-cycle":
    seg = v[i:i + DAY]
    v[i:i + DAY] = np.mean(v[i - DAY:i]) + (seg - seg.mean()) * 0.1
  elif kind == "stuck":
    length = int(rng.integers(36, 144))
    v[i:i + length] = v[i - 1]
  return v


def main():
  out = sys.argv[1]
  seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
  per_family = int(sys.argv[3]) if len(sys.argv) > 3 else 4
  rng = np.random.default_rng(seed)
  labels = {}
  for fam, gen in FAMILIES.items():
    os.makedirs(os.path.join(out, "data", fam), exist_ok=True)
    for k in range(per_family):
      n = int(rng.integers(4000, 12000))
      v = gen(rng, n)
      count = int(rng.integers(1, 4))
      # incidents spread over the last 80%, at least a window apart
      width = int(0.1 * n / count)
      starts = []
      while len(starts) < count:
        s = int(rng.integers(int(0.2 * n), n - width))
        if all(abs(s - o) > 2 * width for o in starts):
          starts.append(s)
      starts.sort()
      kinds = [KINDS[int(rng.integers(len(KINDS)))] for _ in starts]
      if fam == "queue":  # a mostly-idle series: an activity storm or a raised floor
        kinds = ["shift" if kd in ("shift", "drift") else "storm" for kd in kinds]
      for s, kd in zip(starts, kinds):
        v = inject(rng, v, s, kd, fam == "queue")
      if fam in ("cpu",):
        v = np.clip(v, 0, 100)
      if fam in ("counts", "queue", "latency", "traffic"):
        v = np.maximum(v, 0)
      ts = [START + i * STEP for i in range(n)]
      name = "%s_%d.csv" % (fam, k)
      with open(os.path.join(out, "data", fam, name), "w") as f:
        f.write("timestamp,value\n")
        for t, x in zip(ts, v):
          f.write("%s,%s\n" % (t.strftime("%Y-%m-%d %H:%M:%S"), repr(round(float(x), 4))))
      wins = []
      for s in starts:
        a, b = max(0, s - width // 2), min(n - 1, s + width // 2)
        wins.append([ts[a].strftime("%Y-%m-%d %H:%M:%S.000000"), ts[b].strftime("%Y-%m-%d %H:%M:%S.000000")])
      labels["%s/%s" % (fam, name)] = wins
      print("%s/%s n=%d %s" % (fam, name, n, " ".join("%s@%d" % (kd, s) for kd, s in zip(kinds, starts))))
  os.makedirs(os.path.join(out, "labels"), exist_ok=True)
  with open(os.path.join(out, "labels", "combined_windows.json"), "w") as f:
    json.dump(labels, f, indent=2, sort_keys=True)


if __name__ == "__main__":
  main()
