package io.ipchls.playlist.live;

import io.ipchls.playlist.db.Segment;
import java.util.List;

/**
 * What one live playlist lists: its segments, the media sequence number of the first and its discontinuity sequence
 * number.
 */
public record LiveSnapshot(long mediaSequence, long discontinuitySequence, List<Segment> segments) {}
