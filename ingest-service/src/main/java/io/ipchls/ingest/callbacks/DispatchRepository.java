package io.ipchls.ingest.callbacks;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox side of {@code ingest.recording_events}. Every statement runs on the connection of one dispatch
 * transaction, which first takes a transaction-scoped advisory lock: one dispatcher in the whole cluster (whatever
 * instances share the database, clustered or not) works at a time, and the lock is released by the commit, the
 * rollback or the connection's death.
 */
final class DispatchRepository {
  static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(hashtextextended('ingest.recording_events/dispatch', 0))";
  /** The bytes published and delivered: the writer's payload with the event id added, as PostgreSQL prints jsonb. */
  static final String UNDISPATCHED = """
      SELECT event_id, type, created_at, (payload || jsonb_build_object('eventId', event_id))::text AS body
      FROM ingest.recording_events WHERE dispatched_at IS NULL ORDER BY event_id LIMIT $1 FOR UPDATE""";
  /**
   * One delivery per (webhook, event): the webhooks the event's template names for this event type, and the webhooks
   * subscribed to the type fleet-wide. The unique key makes a repeated fan-out a no-op.
   */
  static final String FAN_OUT = """
      INSERT INTO ingest.webhook_deliveries (webhook_id, event_id, event_type, next_attempt_at)
      SELECT w.webhook_id, e.event_id, e.type, now()
      FROM ingest.recording_events e
      JOIN ingest.webhooks w
        ON e.type = ANY (w.events)
        OR EXISTS (SELECT 1 FROM ingest.record_templates t
                   WHERE t.template_id = e.template_id
                     AND t.callbacks -> 'events' ? e.type
                     AND t.callbacks -> 'webhooks' ? w.webhook_id)
      WHERE e.event_id = ANY ($1)
      ORDER BY e.event_id, w.webhook_id
      ON CONFLICT (webhook_id, event_id) DO NOTHING""";
  static final String MARK = "UPDATE ingest.recording_events SET dispatched_at = now() WHERE event_id = ANY ($1)";

  /** An event ready to publish. */
  record Event(long id, String type, OffsetDateTime createdAt, String body) {}

  private DispatchRepository() {}

  static Future<Boolean> tryLock(SqlConnection c) {
    return c.query(TRY_LOCK).execute().map(rows -> rows.iterator().next().getBoolean(0));
  }

  static Future<List<Event>> undispatched(SqlConnection c, int limit) {
    return c.preparedQuery(UNDISPATCHED).execute(Tuple.of(limit)).map(rows -> {
      List<Event> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Event(r.getLong("event_id"), r.getString("type"), r.getOffsetDateTime("created_at"),
            r.getString("body")));
      }
      return out;
    });
  }

  /** Creates the deliveries of these events; the number created. */
  static Future<Integer> fanOut(SqlConnection c, Long[] eventIds) {
    return c.preparedQuery(FAN_OUT).execute(Tuple.of(eventIds)).map(rows -> rows.rowCount());
  }

  static Future<Void> markDispatched(SqlConnection c, Long[] eventIds) {
    return c.preparedQuery(MARK).execute(Tuple.of(eventIds)).mapEmpty();
  }
}
