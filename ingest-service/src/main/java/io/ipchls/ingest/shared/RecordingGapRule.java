package io.ipchls.ingest.shared;

import io.ipchls.kit.config.ConfigException;

/**
 * The recording gap rule: a camera's segments form one recording while no gap between one segment's end and the
 * next one's start is longer than the recording gap ({@value #DEFAULT_SECONDS} s by default, the Aliyun
 * cloud-recording rule, setting {@code recordingGapSeconds}); a segment that closes a gap merges the two recordings.
 * The rule is applied in the database by {@code ingest.index_segments} (V3__recordings.sql), in the statement that
 * indexes each batch ({@code indexing.SegmentRepository#insertAndApplyGapRule}); recording control ends a recording
 * with reason {@code gap} by the same gap ({@code control.RecordingControlVerticle#STOPPED}).
 */
public record RecordingGapRule(int gapSeconds) {
  /** The default gap, also the one that V3__recordings.sql applied to the segments indexed before it. */
  public static final int DEFAULT_SECONDS = 180;
  public static final RecordingGapRule DEFAULT = new RecordingGapRule(DEFAULT_SECONDS);

  public RecordingGapRule {
    if (gapSeconds < 1) throw new ConfigException("recordingGapSeconds", "must be >= 1");
  }

  /** The gap as {@code ingest.index_segments} takes it ({@code p_gap_ms}). */
  public int gapMs() {
    return gapSeconds * 1000;
  }
}
