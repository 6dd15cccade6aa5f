package io.ipchls.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Published on {@link ClusterNames#SEGMENTS_INDEXED} after ingest committed new segments: the cameras that got new
 * rows and the new segments themselves, so that playlist instances move their live windows without a query.
 */
public record SegmentsIndexed(List<String> cameras, List<Entry> segments) {
  public SegmentsIndexed {
    cameras = cameras == null ? List.of() : cameras;
    segments = segments == null ? List.of() : segments;
  }

  /**
   * One indexed segment: {@code start} in epoch ms; {@code discontinuity} true when it does not continue the previous
   * segment whatever the gap (a camera restart or clock step; null from an older ingest means false). Fields are
   * nullable so that one bad entry can be skipped ({@link #isComplete()}) without dropping the rest of the message.
   * {@code mediaSequence} and {@code discontinuitySequence} are the segment's live numbers, given once by ingest when
   * it indexed the segment (a marked segment counts as a discontinuity there, as in the playlists); absent for a
   * backfill (replay material, never live) and from publishers older than the numbering. {@code init} is the object
   * key of the fMP4 initialization segment the segment needs; absent for MPEG-TS (and from publishers older than
   * issue 16). A change of init segment is a discontinuity, which ingest marks in {@code discontinuity}.
   * {@code targetSeconds} is the segment length the camera announced it is configured for with the batch that
   * carried the segment ({@link SegmentNotification#targetSeconds()}); absent when it said nothing.
   */
  public record Entry(String cameraId, Long start, Integer durationMs, String key, Boolean discontinuity,
      Long mediaSequence, Long discontinuitySequence, String init, Integer targetSeconds) {
    /** A segment whose camera did not announce its configured length. */
    public Entry(String cameraId, Long start, Integer durationMs, String key, Boolean discontinuity,
        Long mediaSequence, Long discontinuitySequence, String init) {
      this(cameraId, start, durationMs, key, discontinuity, mediaSequence, discontinuitySequence, init,
          /* targetSeconds= */ null);
    }

    /** An MPEG-TS segment (no init segment). */
    public Entry(String cameraId, Long start, Integer durationMs, String key, Boolean discontinuity,
        Long mediaSequence, Long discontinuitySequence) {
      this(cameraId, start, durationMs, key, discontinuity, mediaSequence, discontinuitySequence, /* init= */ null,
          /* targetSeconds= */ null);
    }

    /** Whether the camera marked it as not continuing the previous segment. */
    @JsonIgnore
    public boolean startsRun() {
      return Boolean.TRUE.equals(discontinuity);
    }

    /** Whether it has its live numbers (a live window takes only those). */
    @JsonIgnore
    public boolean isNumbered() {
      return mediaSequence != null && mediaSequence >= 0 && discontinuitySequence != null
          && discontinuitySequence >= 0;
    }

    @JsonIgnore
    public boolean isComplete() {
      return cameraId != null && CameraIds.isValid(cameraId) && key != null && !key.isEmpty() && start != null
          && durationMs != null && durationMs > 0;
    }
  }
}
