package io.ipchls.infra;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Test support: waits for a condition with a deadline instead of sleeping a guessed time. Polls {@code probe} every
 * 25 ms until {@code done} accepts its value, and fails with the last value seen when the deadline passes.
 */
public final class Await {
  private static final long POLL_NANOS = Duration.ofMillis(25).toNanos();

  private Await() {}

  public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T value = probe.get();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not reached within " + timeout + "; last seen: " + value);
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) throw new AssertionError("interrupted while waiting for " + what);
      value = probe.get();
    }
    return value;
  }

  public static void until(String what, Duration timeout, Supplier<Boolean> condition) {
    until(what, timeout, condition, Boolean.TRUE::equals);
  }
}
