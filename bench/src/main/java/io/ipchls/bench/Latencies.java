package io.ipchls.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latency samples of one benchmark run, recorded from any number of threads into a fixed array, read once at the end
 * for percentiles. Values are in nanoseconds; no allocation per sample.
 */
public final class Latencies {
  private final long[] samples;
  private final AtomicInteger count = new AtomicInteger();

  /** @param capacity the most samples kept; later ones are counted in {@link #dropped()} only */
  public Latencies(int capacity) {
    this.samples = new long[capacity];
  }

  public void record(long nanos) {
    int i = count.getAndIncrement();
    if (i < samples.length) {
      samples[i] = nanos;
    }
  }

  public int size() {
    return Math.min(count.get(), samples.length);
  }

  public int dropped() {
    return Math.max(0, count.get() - samples.length);
  }

  /** A copy of the samples recorded, in the order recorded. */
  public long[] samples() {
    return Arrays.copyOf(samples, size());
  }

  /** The q-quantile (0..1) in milliseconds, nearest-rank; NaN when empty. */
  public double percentileMillis(double q) {
    int n = size();
    if (n == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * n) - 1;
    return sorted[Math.max(0, Math.min(n - 1, rank))] / 1e6;
  }

  /** "p50 1.23 ms, p99 4.56 ms, max 7.89 ms (n=...)" */
  public String summary() {
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)",
        percentileMillis(0.50), percentileMillis(0.99), percentileMillis(1.0), size());
  }
}
