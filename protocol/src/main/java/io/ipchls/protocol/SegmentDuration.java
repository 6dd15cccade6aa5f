package io.ipchls.protocol;

/**
 * The one home of segment length: the camera's default target, the bounds a camera, a record template or a
 * {@code configure} command may ask for, and the longest segment a notification may announce. The SDK, ingest and
 * playlist-service all read these; SQL that repeats the cap (ingest's {@code segments.duration_ms} CHECK) cites
 * {@link #MAX_MS}.
 */
public final class SegmentDuration {
  /** The seed's segment length (AWS IP-camera SDK guide: ~3 s segments), and ours by default. */
  public static final int DEFAULT_SECONDS = 3;
  /** Shorter segments multiply PUTs and index rows for no gain in latency a player can use. */
  public static final int MIN_SECONDS = 1;
  /** The longest target, and the longest segment a camera may announce (an over-long GOP is cut here). */
  public static final int MAX_SECONDS = 60;
  public static final long DEFAULT_MS = DEFAULT_SECONDS * 1000L;
  public static final long MIN_MS = MIN_SECONDS * 1000L;
  public static final long MAX_MS = MAX_SECONDS * 1000L;

  private SegmentDuration() {}

  /**
   * The whole-second target a camera cutting segments of {@code segmentMillis} announces: its length rounded to the
   * nearest second, halves up, within the bounds. RFC 8216 §4.3.3.1 rounds each EXTINF the same way and asks it to be
   * no more than EXT-X-TARGETDURATION, so a segment of exactly the configured length always fits its target.
   */
  public static int targetSecondsFor(long segmentMillis) {
    if (segmentMillis <= 0) throw new IllegalArgumentException("segment length must be > 0 ms: " + segmentMillis);
    long rounded = (segmentMillis + 500) / 1000;
    return (int) Math.max(MIN_SECONDS, Math.min(MAX_SECONDS, rounded));
  }

  /** Whether a target of {@code seconds} may be asked for (camera settings, templates, commands). */
  public static boolean isValidTargetSeconds(long seconds) {
    return seconds >= MIN_SECONDS && seconds <= MAX_SECONDS;
  }
}
