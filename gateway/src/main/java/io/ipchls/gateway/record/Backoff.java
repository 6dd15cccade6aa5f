package io.ipchls.gateway.record;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential from {@code minMs} to {@code maxMs} with equal jitter (half fixed, half random), so
 * that cameras behind one switch that rebooted together do not all come back in the same second, and a camera that
 * keeps failing is asked at most once per {@code maxMs}.
 */
record Backoff(long minMs, long maxMs) {
  Backoff {
    if (minMs < 1 || maxMs < minMs) throw new IllegalArgumentException("backoff needs 1 <= min <= max");
  }

  long delayMs(int attempt) {
    long ceiling = Math.min(maxMs, minMs << Math.min(Math.max(attempt - 1, 0), 20));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }
}
