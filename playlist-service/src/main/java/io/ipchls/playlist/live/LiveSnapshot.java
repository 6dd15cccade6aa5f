package io.ipchls.playlist.live;

import io.ipchls.playlist.db.Segment;
import java.util.List;

/**
 * What one live playlist lists: its segments, the media sequence number of the first and its discontinuity sequence
 * number, and the camera's live target duration ({@code targetSeconds}, see {@link #targetDurationSeconds}).
 */
public record LiveSnapshot(long mediaSequence, long discontinuitySequence, List<Segment> segments, int targetSeconds) {
  /**
   * The playlist's EXT-X-TARGETDURATION: the segment length the camera announced it is configured for (the largest
   * while its window lived, so it never shrinks between reloads), else {@code defaultSeconds} (the setting
   * {@code liveTargetDurationSeconds}) for cameras that never said.
   */
  public int targetDurationSeconds(int defaultSeconds) {
    return targetSeconds > 0 ? targetSeconds : defaultSeconds;
  }
}
