package io.ipchls.playlist.live;

import io.ipchls.playlist.db.Segment;
import io.ipchls.kit.hls.HlsPlaylist;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One camera's live edge as this instance knows it: its newest segments with the media sequence number of the first
 * and the discontinuity sequence number of the first. Segments only ever join at the end (a backfilled segment older
 * than the newest is replay material, not live), so both numbers only move forward. Thread-safe.
 */
final class LiveWindow {
  private final int capacity;
  private final ArrayDeque<Segment> segments;
  private long firstSequence;
  private long firstDiscontinuity;
  private volatile long refreshedAtMs;

  /**
   * @param newest the camera's newest segments in time order (at most capacity)
   * @param firstSequence how many of the camera's segments precede the first
   * @param firstDiscontinuity how many discontinuities precede the first (its discontinuity sequence number)
   */
  LiveWindow(int capacity, List<Segment> newest, long firstSequence, long firstDiscontinuity, long nowMs) {
    this.capacity = capacity;
    this.segments = new ArrayDeque<>(capacity + 1);
    this.firstSequence = firstSequence;
    this.firstDiscontinuity = firstDiscontinuity;
    this.refreshedAtMs = nowMs;
    newest.forEach(this::append);
  }

  /** The newest segment, or null. */
  synchronized Segment last() {
    return segments.peekLast();
  }

  long refreshedAtMs() {
    return refreshedAtMs;
  }

  void refreshed(long nowMs) {
    refreshedAtMs = nowMs;
  }

  /** Adds segments newer than the newest (others are ignored); returns how many joined. */
  synchronized int appendAll(List<Segment> newer) {
    int added = 0;
    for (Segment s : newer) {
      if (append(s)) added++;
    }
    return added;
  }

  private boolean append(Segment s) {
    Segment last = segments.peekLast();
    if (last != null && !s.isAfter(last)) return false;
    segments.addLast(s);
    while (segments.size() > capacity) drop();
    return true;
  }

  private void drop() {
    Segment gone = segments.pollFirst();
    firstSequence++;
    Segment first = segments.peekFirst();
    if (first != null && !HlsPlaylist.continues(gone.start(), gone.durationMs(), first.start())) firstDiscontinuity++;
  }

  /** The segments that started at or after {@code since}, with their sequence numbers. */
  synchronized LiveSnapshot since(Instant since) {
    List<Segment> listed = new ArrayList<>(segments.size());
    long seq = firstSequence;
    long disc = firstDiscontinuity;
    Segment previous = null;
    for (Segment s : segments) {
      if (s.start().isBefore(since)) {
        seq++;
        if (previous != null && !HlsPlaylist.continues(previous.start(), previous.durationMs(), s.start())) disc++;
        previous = s;
        continue;
      }
      if (listed.isEmpty() && previous != null
          && !HlsPlaylist.continues(previous.start(), previous.durationMs(), s.start())) {
        disc++;
      }
      listed.add(s);
    }
    return new LiveSnapshot(seq, disc, listed);
  }
}
