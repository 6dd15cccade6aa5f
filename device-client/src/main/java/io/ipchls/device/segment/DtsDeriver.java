package io.ipchls.device.segment;

import java.util.PriorityQueue;

/**
 * Derives decoding timestamps for pictures given in decoding order with presentation timestamps only.
 *
 * <p>With a reorder depth of N (at most N pictures precede any picture in decoding order and follow it in output
 * order: H.264's max_num_reorder_frames, H.265's sps_max_num_reorder_pics), picture i is given the (i − N)-th
 * smallest PTS of the stream as its DTS. That value is known when picture i arrives (every picture with a smaller
 * rank is among the first i + 1: a later one would follow more than N of them), it never exceeds picture i's own
 * PTS (at least i − N earlier pictures are shown before it), and it increases strictly with i. This is the DTS a
 * decoder with an N-picture reorder buffer would decode at. The first N pictures, which have no such PTS yet, get
 * the first PTS less N − i frame durations. With N = 0 the DTS is the PTS, and a PTS going back is an error.
 *
 * <p>Any subsequence of a conforming stream still has reorder depth ≤ N, so pictures dropped before they get here
 * (while recording is stopped, before the first key frame) do not disturb it. Not thread-safe.
 */
final class DtsDeriver {
  private final PriorityQueue<Long> pending = new PriorityQueue<>();
  private final int reorderDepth;
  private final long frameDuration90k;
  private long count;
  private long firstPts;
  private long lastDts = Long.MIN_VALUE;

  /**
   * @param reorderDepth N, 0..16
   * @param frameDuration90k the frame duration for the first N pictures' DTS (any positive value keeps the rules)
   */
  DtsDeriver(int reorderDepth, long frameDuration90k) {
    if (reorderDepth < 0 || reorderDepth > 16) throw new IllegalArgumentException("reorder depth must be 0..16");
    if (frameDuration90k <= 0) throw new IllegalArgumentException("frame duration must be positive");
    this.reorderDepth = reorderDepth;
    this.frameDuration90k = frameDuration90k;
  }

  int reorderDepth() {
    return reorderDepth;
  }

  /**
   * The DTS for the next picture in decoding order. Nothing changes when it throws.
   *
   * @throws IllegalArgumentException when the stream reorders deeper than N (the DTS would pass the PTS or not
   *     increase), or repeats a PTS
   */
  long next(long pts90k) {
    boolean repeated = pending.contains(pts90k);
    pending.add(pts90k); // the PTS not yet used as a DTS; in the steady state N of them stay
    long dts;
    if (count < reorderDepth) {
      long first = count == 0 ? pts90k : Math.min(firstPts, pts90k);
      dts = first - (reorderDepth - count) * frameDuration90k;
    } else {
      dts = pending.peek();
    }
    if (repeated || dts > pts90k || dts <= lastDts) {
      pending.remove(pts90k);
      throw new IllegalArgumentException("presentation timestamp " + pts90k + " (90 kHz) is out of order for a stream "
          + "that reorders at most " + reorderDepth + " pictures (B-frames): give the DTS with each frame, or "
          + "declare the reorder depth (CameraBuilder.reorderDepth)");
    }
    if (count >= reorderDepth) pending.poll();
    firstPts = count == 0 ? pts90k : Math.min(firstPts, pts90k);
    count++;
    lastDts = dts;
    return dts;
  }
}
