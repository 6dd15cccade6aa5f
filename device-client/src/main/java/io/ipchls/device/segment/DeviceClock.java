package io.ipchls.device.segment;

import java.util.function.LongSupplier;

/**
 * The two clocks a camera has: the wall clock (UTC, may be stepped by NTP) and a monotonic clock (never steps). The
 * segmenter dates segments from the encoder's timestamps anchored to the wall clock once, and compares the two clocks
 * at every cut to notice when the wall clock was stepped.
 */
public interface DeviceClock {
  /** UTC epoch milliseconds. */
  long wallMillis();

  /** A monotonic reading in nanoseconds (arbitrary origin). */
  long monotonicNanos();

  /** {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
  static DeviceClock system() {
    return new DeviceClock() {
      @Override
      public long wallMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public long monotonicNanos() {
        return System.nanoTime();
      }
    };
  }

  /** A wall clock alone, also used as the monotonic one: steps cannot be noticed (tests, replays of files). */
  static DeviceClock wallOnly(LongSupplier wallMillis) {
    return new DeviceClock() {
      @Override
      public long wallMillis() {
        return wallMillis.getAsLong();
      }

      @Override
      public long monotonicNanos() {
        return wallMillis.getAsLong() * 1_000_000;
      }
    };
  }
}
