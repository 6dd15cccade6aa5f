package io.ipchls.playlist.db;

import io.vertx.sqlclient.Row;
import java.time.Instant;

/** One indexed segment as playback needs it. */
public record Segment(String cameraId, Instant start, int durationMs, String objectKey) {
  public static Segment from(Row row) {
    return new Segment(
        row.getString("camera_id"),
        row.getOffsetDateTime("start_at").toInstant(),
        row.getInteger("duration_ms"),
        row.getString("object_key"));
  }
}
