package io.ipchls.ingest.indexing;

import io.ipchls.kit.hls.HlsPlaylist;
import io.ipchls.protocol.SegmentDuration;

/**
 * The live numbering rule: ingest gives each new segment its camera's next live media sequence number and its
 * discontinuity sequence number when it indexes it ({@code ingest.number_live_segments}, V31__live_sequence.sql;
 * written into {@code index_and_meter_segments} since V45__usage_in_live_sequence.sql), so
 * live playlists never number backwards, whichever playlist instance answers and whatever retention deleted. A
 * segment joins the live numbering when it starts no more than {@link #LATE_JOIN_MS} before the camera's newest live
 * segment (a segment announced out of order joins at the end, with a discontinuity); an older one is a backfill,
 * left to replay. A discontinuity is a segment the camera marked as a restart or clock step
 * ({@code segments_v1.discontinuity}, V30) or a start further than {@link HlsPlaylist#CONTINUITY_TOLERANCE_MS} from
 * the previous live segment's end: the rule playlists mark ({@code HlsPlaylist.continues},
 * {@code LiveWindowState.continues}), written again as {@code number_live_segments}' break check.
 */
public final class LiveNumbering {
  /** One default live window (6 segments of the default length): what a live viewer can still be shown. */
  public static final int LATE_JOIN_MS = (int) (6 * SegmentDuration.DEFAULT_MS);
  public static final int TOLERANCE_MS = (int) HlsPlaylist.CONTINUITY_TOLERANCE_MS;

  private LiveNumbering() {}
}
