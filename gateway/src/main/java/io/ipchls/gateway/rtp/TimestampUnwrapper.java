package io.ipchls.gateway.rtp;

/**
 * Extends 32-bit RTP timestamps (RFC 3550 §5.1) to 64 bits across wrap-arounds, so that they can be subtracted: a
 * step of less than half the range in either direction is taken as the nearest value.
 */
public final class TimestampUnwrapper {
  private static final long RANGE = 1L << 32;
  private long last = Long.MIN_VALUE;

  public long unwrap(long timestamp32) {
    if (last == Long.MIN_VALUE) {
      last = timestamp32;
      return last;
    }
    long delta = (timestamp32 - last) & (RANGE - 1);
    if (delta >= RANGE / 2) delta -= RANGE;
    last += delta;
    return last;
  }
}
