package io.ipchls.playlist.db;

import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * One indexed segment as playback needs it; {@code restart} when the camera marked it as not continuing the previous
 * segment however small the gap (its timestamps restarted or its clock stepped: {@code segments_v1.discontinuity}).
 */
public record Segment(String cameraId, Instant start, int durationMs, String objectKey, boolean restart) {
  public Segment(String cameraId, Instant start, int durationMs, String objectKey) {
    this(cameraId, start, durationMs, objectKey, /* restart= */ false);
  }

  public static Segment from(Row row) {
    return new Segment(
        row.getString("camera_id"),
        row.getOffsetDateTime("start_at").toInstant(),
        row.getInteger("duration_ms"),
        row.getString("object_key"),
        row.getBoolean("discontinuity"));
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
