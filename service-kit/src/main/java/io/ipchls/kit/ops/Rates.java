package io.ipchls.kit.ops;

import java.util.ArrayDeque;

/** A per-second rate of a growing total over roughly the last minute (the samples the ops reporter takes). */
public final class Rates {
  private static final long WINDOW_MS = 60_000;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();

  /** Adds a sample (time, total) and returns the rate per second since the oldest sample kept. */
  public synchronized double sample(long nowMs, double total) {
    samples.addLast(new long[] {nowMs, Double.doubleToLongBits(total)});
    while (samples.size() > 2 && nowMs - samples.peekFirst()[0] > WINDOW_MS) samples.pollFirst();
    long[] first = samples.peekFirst();
    long dt = nowMs - first[0];
    if (dt <= 0) return 0;
    return Math.max(0, (total - Double.longBitsToDouble(first[1])) * 1000.0 / dt);
  }
}
