package io.ipchls.playlist.db;

import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * One indexed segment as playback needs it; {@code restart} when it does not continue the previous segment however
 * small the gap (its timestamps restarted, its clock stepped or its media changed: {@code segments_v1.discontinuity});
 * {@code initKey} the object key of the fMP4 init segment it needs, null for MPEG-TS.
 */
public record Segment(String cameraId, Instant start, int durationMs, String objectKey, boolean restart,
    String initKey) {
  public Segment(String cameraId, Instant start, int durationMs, String objectKey) {
    this(cameraId, start, durationMs, objectKey, /* restart= */ false, /* initKey= */ null);
  }

  /** An MPEG-TS segment. */
  public Segment(String cameraId, Instant start, int durationMs, String objectKey, boolean restart) {
    this(cameraId, start, durationMs, objectKey, restart, /* initKey= */ null);
  }

  /** Whether it is fragmented MP4 (it needs its init segment). */
  public boolean isFmp4() {
    return initKey != null;
  }

  public static Segment from(Row row) {
    return new Segment(
        row.getString("camera_id"),
        row.getOffsetDateTime("start_at").toInstant(),
        row.getInteger("duration_ms"),
        row.getString("object_key"),
        row.getBoolean("discontinuity"),
        row.getString("init_key"));
  }

  public Instant end() {
    return start.plusMillis(durationMs);
  }

  /** Time order, ties broken by key: the order of the index's primary key. */
  public boolean isAfter(Segment other) {
    int c = start.compareTo(other.start);
    return c > 0 || (c == 0 && objectKey.compareTo(other.objectKey) > 0);
  }
}
