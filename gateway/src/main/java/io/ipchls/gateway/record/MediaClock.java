package io.ipchls.gateway.record;

/**
 * Maps one stream's extended RTP timestamps (RFC 3550 §5.1, in its clock rate) to microseconds on the gateway's
 * monotonic clock: the first timestamp is anchored at the arrival of its packet, later ones follow the camera's
 * clock. All streams of a session are anchored this way, so video and audio line up to within their arrival jitter
 * (milliseconds) even when the camera sends no RTCP sender reports or sends wrong NTP times (a common quirk).
 */
final class MediaClock {
  private final long clockRate;
  private long firstTimestamp;
  private long anchorMicros;
  private boolean anchored;

  MediaClock(int clockRate) {
    if (clockRate <= 0) throw new IllegalArgumentException("clock rate must be positive, got " + clockRate);
    this.clockRate = clockRate;
  }

  long micros(long timestamp, long nowMicros) {
    if (!anchored) {
      anchored = true;
      firstTimestamp = timestamp;
      anchorMicros = nowMicros;
    }
    return anchorMicros + Math.floorDiv((timestamp - firstTimestamp) * 1_000_000L, clockRate);
  }
}
