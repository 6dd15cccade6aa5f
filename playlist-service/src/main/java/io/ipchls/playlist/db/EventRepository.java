package io.ipchls.playlist.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads camera events through ingest's read view {@code ingest.events_v1} (V36__events.sql), never its table: the
 * events of a camera that overlap a time range, optionally of one type, in start order. An event lasts at most 24 h
 * ({@code CameraEvent.MAX_DURATION_MS}, the schema's CHECK), which bounds how far before the range an overlapping
 * one can start and keeps the query on the (camera_id, start_at) index.
 */
public final class EventRepository {
  static final String OVERLAPPING = """
      SELECT event_id, type, label, start_at, end_at, data FROM ingest.events_v1
      WHERE camera_id = $1 AND start_at >= $2::timestamptz - interval '24 hours' AND start_at < $3
        AND coalesce(end_at, start_at) >= $2
      ORDER BY start_at, event_id
      LIMIT $4""";
  static final String OVERLAPPING_OF_TYPE = """
      SELECT event_id, type, label, start_at, end_at, data FROM ingest.events_v1
      WHERE camera_id = $1 AND type = $5 AND start_at >= $2::timestamptz - interval '24 hours' AND start_at < $3
        AND coalesce(end_at, start_at) >= $2
      ORDER BY start_at, event_id
      LIMIT $4""";

  private final Pool pool;

  public EventRepository(Pool pool) {
    this.pool = pool;
  }

  /** Up to {@code limit} events of the camera overlapping [start, end), of {@code type} unless it is null. */
  public Future<List<Event>> overlapping(String cameraId, String type, Instant start, Instant end, int limit) {
    Tuple args = Tuple.of(cameraId, utc(start), utc(end), limit);
    if (type != null) args.addString(type);
    return pool.preparedQuery(type == null ? OVERLAPPING : OVERLAPPING_OF_TYPE).execute(args).map(rows -> {
      List<Event> out = new ArrayList<>(rows.size());
      for (Row r : rows) out.add(Event.from(r));
      return out;
    });
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
