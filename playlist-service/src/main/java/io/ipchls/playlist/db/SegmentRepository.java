package io.ipchls.playlist.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads ingest's segment index ({@code ingest.segments}, owned and written by ingest-service). */
public final class SegmentRepository {
  /** The schema CHECKs durations ≤ 60 s, so a segment overlapping an instant started at most this long before it. */
  static final long MAX_SEGMENT_MS = 60_000;

  static final String NEWEST_SINCE = """
      SELECT camera_id, start_at, duration_ms, object_key FROM ingest.segments
      WHERE camera_id = $1 AND start_at >= $2
      ORDER BY start_at DESC, object_key DESC
      LIMIT $3""";

  static final String COUNT_BEFORE = """
      SELECT count(*) AS n FROM ingest.segments
      WHERE camera_id = $1 AND (start_at, object_key) < ($2::timestamptz, $3::text)""";

  static final String OVERLAPPING = """
      SELECT camera_id, start_at, duration_ms, object_key FROM ingest.segments
      WHERE camera_id = $1 AND start_at >= $2 AND start_at < $3
        AND start_at + duration_ms * interval '1 millisecond' > $4
      ORDER BY start_at, object_key""";

  static final String PING = "SELECT 1";

  private final Pool pool;

  public SegmentRepository(Pool pool) {
    this.pool = pool;
  }

  /** The live window: the camera's newest {@code limit} segments that started at or after {@code since}, oldest first. */
  public Future<List<Segment>> newestSince(String cameraId, Instant since, int limit) {
    return pool.preparedQuery(NEWEST_SINCE).execute(Tuple.of(cameraId, utc(since), limit))
        .map(rows -> {
          List<Segment> out = toList(rows);
          Collections.reverse(out);
          return out;
        });
  }

  /** How many of the camera's segments come before {@code first}: its HLS media sequence number. */
  public Future<Long> countBefore(Segment first) {
    return pool.preparedQuery(COUNT_BEFORE).execute(Tuple.of(first.cameraId(), utc(first.start()), first.objectKey()))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** Segments with any part inside [start, end), in time order. */
  public Future<List<Segment>> overlapping(String cameraId, Instant start, Instant end) {
    Tuple args = Tuple.of(cameraId, utc(start.minusMillis(MAX_SEGMENT_MS)), utc(end), utc(start));
    return pool.preparedQuery(OVERLAPPING).execute(args).map(SegmentRepository::toList);
  }

  public Future<Void> ping() {
    return pool.query(PING).execute().mapEmpty();
  }

  private static List<Segment> toList(RowSet<Row> rows) {
    List<Segment> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(Segment.from(r)));
    return out;
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
