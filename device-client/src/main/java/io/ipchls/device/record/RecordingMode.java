package io.ipchls.device.record;

import io.ipchls.protocol.CameraCommand;

/**
 * How a camera records: continuously, or only around events (for metered links).
 *
 * @param eventOnly upload only from the pre-roll before a trigger to the post-roll after the last one
 * @param preRollMs how much recording before a trigger is kept (0..{@value CameraCommand#MAX_PRE_ROLL_SECONDS} s);
 *     rounded up to whole segments, as segments are cut at key frames
 * @param postRollMs how long recording goes on after the last trigger
 *     (1..{@value CameraCommand#MAX_POST_ROLL_SECONDS} s); rounded up to the end of the segment it falls in
 * @param preRollBytes most bytes the pre-roll ring holds in memory; beyond it its oldest segments are dropped
 */
public record RecordingMode(boolean eventOnly, long preRollMs, long postRollMs, long preRollBytes) {
  /** The default memory for the pre-roll: 8 MiB, 30 s at about 2 Mbit/s. */
  public static final long DEFAULT_PRE_ROLL_BYTES = 8L << 20;
  public static final RecordingMode CONTINUOUS = new RecordingMode(false, 10_000, 20_000, DEFAULT_PRE_ROLL_BYTES);

  public RecordingMode {
    if (preRollMs < 0 || preRollMs > CameraCommand.MAX_PRE_ROLL_SECONDS * 1000L) {
      throw new IllegalArgumentException("pre-roll must be 0.." + CameraCommand.MAX_PRE_ROLL_SECONDS + " s");
    }
    if (postRollMs < 1000 || postRollMs > CameraCommand.MAX_POST_ROLL_SECONDS * 1000L) {
      throw new IllegalArgumentException("post-roll must be 1.." + CameraCommand.MAX_POST_ROLL_SECONDS + " s");
    }
    if (preRollBytes < 0) throw new IllegalArgumentException("pre-roll memory must be >= 0");
  }

  /** Event-only recording with this pre-roll and post-roll and the default pre-roll memory. */
  public static RecordingMode eventOnly(long preRollMs, long postRollMs) {
    return new RecordingMode(true, preRollMs, postRollMs, DEFAULT_PRE_ROLL_BYTES);
  }

  /** This mode with another pre-roll memory. */
  public RecordingMode withPreRollBytes(long bytes) {
    return new RecordingMode(eventOnly, preRollMs, postRollMs, bytes);
  }

  /** This mode changed by a start command's fields (each null: unchanged). */
  public RecordingMode with(CameraCommand c) {
    boolean event = c.mode() == null ? eventOnly : CameraCommand.MODE_EVENT.equals(c.mode());
    long pre = c.preRollSeconds() == null ? preRollMs : c.preRollSeconds() * 1000L;
    long post = c.postRollSeconds() == null ? postRollMs : c.postRollSeconds() * 1000L;
    return new RecordingMode(event, pre, post, preRollBytes);
  }
}
