package io.ipchls.ingest.indexing;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code ingest.recordings}; they are written only together with their segments (see SegmentRepository). */
public final class RecordingRepository {
  static final String IN_RANGE = """
      SELECT recording_id, camera_id, start_at, end_at, segment_count, bytes
      FROM ingest.recordings
      WHERE camera_id = $1 AND start_at < $3 AND end_at > $2
      ORDER BY start_at""";

  private final Pool pool;

  public RecordingRepository(Pool pool) {
    this.pool = pool;
  }

  /** The camera's recordings that overlap {@code [from, to)}, in time order. */
  public Future<List<Recording>> overlapping(String cameraId, OffsetDateTime from, OffsetDateTime to) {
    return pool.preparedQuery(IN_RANGE).execute(Tuple.of(cameraId, from, to)).map(rows -> {
      List<Recording> out = new ArrayList<>(rows.size());
      for (Row r : rows) out.add(Recording.from(r));
      return out;
    });
  }
}
