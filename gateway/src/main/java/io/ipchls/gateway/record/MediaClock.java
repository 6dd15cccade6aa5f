package io.ipchls.gateway.record;

/**
 * Maps one stream's extended RTP timestamps (RFC 3550 §5.1, in its clock rate) to microseconds on the gateway's
 * monotonic clock: the first timestamp is anchored at the arrival of its packet, later ones follow the camera's
 * media clock. Streams anchored this way line up to within their arrival jitter (milliseconds); when the camera sends
 * RTCP sender reports for both streams, {@link #alignTo} moves this stream onto the other's timeline as the reports
 * say (to the sample, whatever the arrival jitter).
 */
final class MediaClock {
  /**
   * Media time running this far ahead of or behind arrival time means the camera's timestamps jumped (its encoder
   * restarted, or it sent a stale buffer) rather than drifted: the stream cannot continue on one timeline.
   */
  static final long MAX_DRIFT_MICROS = 10_000_000;
  /** A correction larger than this comes from a camera whose sender reports are wrong; it is ignored. */
  static final long MAX_CORRECTION_MICROS = 5_000_000;
  private final long clockRate;
  private long firstTimestamp;
  private long anchorMicros;
  private long anchorArrival;
  private boolean anchored;

  MediaClock(int clockRate) {
    if (clockRate <= 0) throw new IllegalArgumentException("clock rate must be positive, got " + clockRate);
    this.clockRate = clockRate;
  }

  /** The time of an extended timestamp; the first call anchors the clock at {@code nowMicros}. */
  long micros(long timestamp, long nowMicros) {
    if (!anchored) {
      anchored = true;
      firstTimestamp = timestamp;
      anchorMicros = nowMicros;
      anchorArrival = nowMicros;
    }
    return at(timestamp);
  }

  /**
   * How far {@code micros} (a time this clock returned) strays from the arrival time {@code nowMicros}, beyond what
   * the anchoring and a sender-report alignment put there; 0 while within {@link #MAX_DRIFT_MICROS}.
   */
  long jump(long micros, long nowMicros) {
    long drift = micros - nowMicros - (anchorMicros - anchorArrival);
    return Math.abs(drift) > MAX_DRIFT_MICROS ? drift : 0;
  }

  boolean anchored() {
    return anchored;
  }

  private long at(long timestamp) {
    return anchorMicros + Math.floorDiv((timestamp - firstTimestamp) * 1_000_000L, clockRate);
  }

  /** A 32-bit timestamp (as in a sender report) extended next to the first one seen. */
  private long extend(long timestamp32) {
    long delta = (timestamp32 - firstTimestamp) & 0xFFFFFFFFL;
    if (delta >= 1L << 31) delta -= 1L << 32;
    return firstTimestamp + delta;
  }

  /**
   * Shifts this clock so that the instants the two sender reports name coincide on both timelines (both clocks
   * anchored). Returns the shift in microseconds, or 0 when it was larger than {@link #MAX_CORRECTION_MICROS} and
   * therefore not applied.
   */
  long alignTo(MediaClock reference, io.ipchls.gateway.rtp.SenderReport referenceReport,
      io.ipchls.gateway.rtp.SenderReport ownReport) {
    long refMicros = reference.at(reference.extend(referenceReport.rtpTimestamp()));
    // our timestamp at the wall-clock instant of the reference's report
    long ownTs = extend(ownReport.rtpTimestamp())
        + Math.floorDiv((referenceReport.unixMicros() - ownReport.unixMicros()) * clockRate, 1_000_000L);
    long correction = refMicros - at(ownTs);
    if (Math.abs(correction) > MAX_CORRECTION_MICROS) return 0;
    anchorMicros += correction;
    return correction;
  }
}
