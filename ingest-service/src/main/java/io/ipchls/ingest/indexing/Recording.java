package io.ipchls.ingest.indexing;

import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/**
 * One row of {@code ingest.recordings}: a camera's run of segments without a gap longer than the recording gap.
 * {@code end} is the end of its last-ending segment; {@code id} stays the same while the recording grows, and when a
 * backfilled segment merges two recordings the earlier one's id survives.
 */
public record Recording(long id, String cameraId, OffsetDateTime start, OffsetDateTime end, int segmentCount,
    long bytes) {

  public static Recording from(Row row) {
    return new Recording(row.getLong("recording_id"), row.getString("camera_id"), row.getOffsetDateTime("start_at"),
        row.getOffsetDateTime("end_at"), row.getInteger("segment_count"), row.getLong("bytes"));
  }
}
