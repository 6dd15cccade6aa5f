package io.ipchls.ingest.indexing;

import io.ipchls.protocol.SegmentNotification;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * One row of {@code ingest.segments} as ingest writes it ({@code received_at} is set by the database). {@code container}
 * is {@code ts} or {@code fmp4}, {@code initKey} the fMP4 init segment's object key (null for TS), {@code frameRate}
 * the nominal frame rate (null: unknown); see V34__segment_media.sql. {@code targetSeconds} is the segment length the
 * camera announced it is configured for (null: it did not say; V38__live_target_and_clip_exports.sql keeps it per
 * camera, not per row). {@code keyFrameOffset} and {@code keyFrameLength} are where the first key frame lies in the
 * segment and {@code thumbnailKey} its thumbnail's object key (all null when the camera did not say), see
 * V37__segment_scrubbing.sql.
 */
public record SegmentRow(
    String cameraId,
    OffsetDateTime startAt,
    int durationMs,
    String objectKey,
    long bytes,
    String sha256,
    long seq,
    String codec,
    Integer width,
    Integer height,
    OffsetDateTime deviceTime,
    boolean clockJump,
    boolean discontinuity,
    String container,
    String initKey,
    Double frameRate,
    Integer targetSeconds,
    Long keyFrameOffset,
    Long keyFrameLength,
    String thumbnailKey) {

  /** A row without the camera's configured segment length nor the scrubbing fields (as read back from the index). */
  public SegmentRow(String cameraId, OffsetDateTime startAt, int durationMs, String objectKey, long bytes,
      String sha256, long seq, String codec, Integer width, Integer height, OffsetDateTime deviceTime,
      boolean clockJump, boolean discontinuity, String container, String initKey, Double frameRate) {
    this(cameraId, startAt, durationMs, objectKey, bytes, sha256, seq, codec, width, height, deviceTime, clockJump,
        discontinuity, container, initKey, frameRate, /* targetSeconds= */ null);
  }

  /** A row without the scrubbing fields (key frame range, thumbnail) of V37. */
  public SegmentRow(String cameraId, OffsetDateTime startAt, int durationMs, String objectKey, long bytes,
      String sha256, long seq, String codec, Integer width, Integer height, OffsetDateTime deviceTime,
      boolean clockJump, boolean discontinuity, String container, String initKey, Double frameRate,
      Integer targetSeconds) {
    this(cameraId, startAt, durationMs, objectKey, bytes, sha256, seq, codec, width, height, deviceTime, clockJump,
        discontinuity, container, initKey, frameRate, targetSeconds, null, null, null);
  }

  /** An MPEG-TS segment without a known frame rate (what older cameras announce). */
  public SegmentRow(String cameraId, OffsetDateTime startAt, int durationMs, String objectKey, long bytes,
      String sha256, long seq, String codec, Integer width, Integer height, OffsetDateTime deviceTime,
      boolean clockJump, boolean discontinuity) {
    this(cameraId, startAt, durationMs, objectKey, bytes, sha256, seq, codec, width, height, deviceTime, clockJump,
        discontinuity, SegmentNotification.CONTAINER_TS, /* initKey= */ null, /* frameRate= */ null);
  }

  /** From a notification that already passed {@link SegmentNotification#problems()}. */
  public static SegmentRow of(String cameraId, SegmentNotification n) {
    return new SegmentRow(cameraId, utc(n.start()), (int) n.durationMs(), n.key(), n.bytes(), n.sha256(), n.seq(),
        n.codec(), n.width() > 0 ? n.width() : null, n.height() > 0 ? n.height() : null, utc(n.deviceTime()),
        Boolean.TRUE.equals(n.clockJump()), Boolean.TRUE.equals(n.discontinuity()), n.containerOrDefault(), n.init(),
        n.frameRate() != null && n.frameRate() > 0 ? n.frameRate() : null, n.targetSeconds(),
        n.keyFrame() == null ? null : n.keyFrame().offset(), n.keyFrame() == null ? null : n.keyFrame().length(),
        n.thumbnail());
  }

  public static SegmentRow from(Row row) {
    return new SegmentRow(row.getString("camera_id"), row.getOffsetDateTime("start_at"),
        row.getInteger("duration_ms"), row.getString("object_key"), row.getLong("bytes"), row.getString("sha256"),
        row.getLong("seq"), row.getString("codec"), row.getInteger("width"), row.getInteger("height"),
        row.getOffsetDateTime("device_time"), row.getBoolean("clock_jump"), row.getBoolean("discontinuity"),
        row.getString("container"), row.getString("init_key"), row.getDouble("frame_rate"),
        /* targetSeconds= */ null, row.getLong("key_frame_offset"), row.getLong("key_frame_length"),
        row.getString("thumbnail_key"));
  }

  /**
   * Whether the segment does not continue the camera's previous one however small the gap (the camera restarted its
   * timestamps, or its clock stepped): what {@code ingest.segments_v1.discontinuity} says (V30).
   */
  public boolean startsRun() {
    return discontinuity || clockJump;
  }

  private static OffsetDateTime utc(long epochMs) {
    return Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC);
  }
}
