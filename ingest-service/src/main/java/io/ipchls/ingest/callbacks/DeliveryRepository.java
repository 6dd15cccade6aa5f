package io.ipchls.ingest.callbacks;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The work queue of {@code ingest.webhook_deliveries}. Instances claim due deliveries with {@code FOR UPDATE SKIP
 * LOCKED} and a lease instead of holding a transaction open during the HTTP call; a lease that runs out (its instance
 * died) makes the delivery due again.
 */
final class DeliveryRepository {
  /**
   * Per webhook, at most {@code $1} in flight (leased) across the cluster, its oldest due deliveries first; at most
   * {@code $2} in all; leased for {@code $3} seconds. A webhook with thousands of due deliveries still gets only its
   * share, so it cannot starve the others.
   */
  static final String CLAIM = """
      WITH due AS (
        SELECT d.delivery_id, d.next_attempt_at
        FROM ingest.webhooks w
        CROSS JOIN LATERAL (
          SELECT count(*) AS busy FROM ingest.webhook_deliveries b
          WHERE b.webhook_id = w.webhook_id AND b.lease_until IS NOT NULL AND b.lease_until > now()
            AND b.status = 'pending') b
        CROSS JOIN LATERAL (
          SELECT d.delivery_id, d.next_attempt_at FROM ingest.webhook_deliveries d
          WHERE d.webhook_id = w.webhook_id AND d.status = 'pending' AND d.next_attempt_at <= now()
            AND (d.lease_until IS NULL OR d.lease_until <= now())
          ORDER BY d.next_attempt_at, d.delivery_id
          LIMIT greatest(0, $1 - b.busy)
          FOR UPDATE SKIP LOCKED) d
        ORDER BY d.next_attempt_at, d.delivery_id
        LIMIT $2),
      claimed AS (
        UPDATE ingest.webhook_deliveries d
        SET lease_until = now() + make_interval(secs => $3::double precision), attempts = d.attempts + 1,
            last_attempt_at = now()
        FROM due WHERE d.delivery_id = due.delivery_id
        RETURNING d.delivery_id, d.webhook_id, d.event_id, d.event_type, d.attempts)
      SELECT c.delivery_id, c.webhook_id, c.event_id, c.event_type, c.attempts, w.url, w.secret_salt,
             (e.payload || jsonb_build_object('eventId', e.event_id))::text AS body
      FROM claimed c JOIN ingest.webhooks w USING (webhook_id) JOIN ingest.recording_events e USING (event_id)""";
  /**
   * Records an attempt's outcome and logs the attempt, in one statement, only while the attempt's claim is the latest
   * ({@code attempts} = {@code $8}, the claim's number): an instance that stalled past its lease may not overwrite the
   * outcome of the instance that took the delivery over.
   */
  static final String OUTCOME = """
      WITH d AS (
        UPDATE ingest.webhook_deliveries
        SET status = $2::text, last_status = $3, last_error = $4, lease_until = NULL,
            next_attempt_at = CASE WHEN $2::text = 'pending' THEN now() + make_interval(secs => $5::double precision) END,
            finished_at = CASE WHEN $2::text = 'pending' THEN NULL ELSE now() END
        WHERE delivery_id = $1 AND status = 'pending' AND attempts = $8
        RETURNING delivery_id)
      INSERT INTO ingest.webhook_attempts (delivery_id, attempted_at, duration_ms, status_code, error)
      SELECT delivery_id, $6, $7, $3, $4 FROM d""";
  static final String EXPIRE = """
      DELETE FROM ingest.webhook_deliveries WHERE delivery_id IN (
        SELECT delivery_id FROM ingest.webhook_deliveries
        WHERE status <> 'pending' AND finished_at < now() - make_interval(days => $1) LIMIT $2)""";

  /** A claimed delivery: what to send where. */
  record Claimed(long id, String webhookId, long eventId, String eventType, int attempt, String url, String salt,
      String body) {}

  private final Pool pool;

  DeliveryRepository(Pool pool) {
    this.pool = pool;
  }

  Future<List<Claimed>> claim(int perWebhook, int total, long leaseSeconds) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(perWebhook, total, (double) leaseSeconds)).map(rows -> {
      List<Claimed> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Claimed(r.getLong("delivery_id"), r.getString("webhook_id"), r.getLong("event_id"),
            r.getString("event_type"), r.getInteger("attempts"), r.getString("url"), r.getString("secret_salt"),
            r.getString("body")));
      }
      return out;
    });
  }

  /**
   * {@code status} pending (with the delay until the next attempt), delivered or failed, for the claim {@code d};
   * false when another instance has claimed the delivery since (nothing recorded).
   */
  Future<Boolean> outcome(Claimed d, String status, Integer statusCode, String error, double retryInSeconds,
      OffsetDateTime attemptedAt, int durationMs) {
    return pool.preparedQuery(OUTCOME)
        .execute(Tuple.tuple().addLong(d.id()).addString(status).addInteger(statusCode).addString(error)
            .addDouble(retryInSeconds).addOffsetDateTime(attemptedAt).addInteger(durationMs).addInteger(d.attempt()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Deletes up to {@code limit} finished deliveries older than {@code days}; how many. */
  Future<Integer> expire(int days, int limit) {
    return pool.preparedQuery(EXPIRE).execute(Tuple.of(days, limit)).map(rows -> rows.rowCount());
  }
}
