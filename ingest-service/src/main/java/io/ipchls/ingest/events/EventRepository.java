package io.ipchls.ingest.events;

import io.ipchls.protocol.CameraEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The events table (V36__events.sql): idempotent inserts by (camera, event id). */
public final class EventRepository {
  static final String COLUMNS = "camera_id, event_id, type, label, start_at, end_at, data, source, received_at";
  static final String INSERT = "INSERT INTO ingest.events (camera_id, event_id, type, label, start_at, end_at, data, "
      + "source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (camera_id, event_id) DO NOTHING RETURNING "
      + COLUMNS;
  static final String FIND = "SELECT " + COLUMNS + " FROM ingest.events WHERE camera_id = $1 AND event_id = $2";

  private final Pool pool;

  public EventRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores the event unless the camera has one with its id already; either way returns the stored one (the first
   * stored wins: a sender's retry is the same event, and a different event under a used id is not stored).
   */
  public Future<StoredEvent> store(String cameraId, CameraEvent e, String source) {
    Tuple row = Tuple.of(cameraId, e.id(), e.type(), e.label(), time(e.start()),
        e.end() == null ? null : time(e.end()), e.data() == null ? null : new JsonObject(e.data()), source);
    return pool.preparedQuery(INSERT).execute(row).compose(inserted -> {
      if (inserted.size() > 0) return Future.succeededFuture(StoredEvent.from(inserted.iterator().next(), true));
      return pool.preparedQuery(FIND).execute(Tuple.of(cameraId, e.id()))
          .map(found -> StoredEvent.from(found.iterator().next(), false));
    });
  }

  private static OffsetDateTime time(long epochMs) {
    return Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC);
  }
}
