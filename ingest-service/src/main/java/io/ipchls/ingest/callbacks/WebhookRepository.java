package io.ipchls.ingest.callbacks;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code ingest.webhooks} and their delivery log, as the admin API sees them. */
public final class WebhookRepository {
  static final String INSERT = "INSERT INTO ingest.webhooks (webhook_id, url, description, events, secret_salt) "
      + "VALUES ($1, $2, $3, $4, $5) RETURNING " + Webhook.COLUMNS;
  static final String PAGE = "SELECT " + Webhook.COLUMNS + " FROM ingest.webhooks "
      + "WHERE ($1::text IS NULL OR webhook_id > $1) ORDER BY webhook_id LIMIT $2";
  static final String GET = "SELECT " + Webhook.COLUMNS + " FROM ingest.webhooks WHERE webhook_id = $1";
  static final String ROTATE = "UPDATE ingest.webhooks SET secret_salt = $2, secret_rotated_at = now() "
      + "WHERE webhook_id = $1 RETURNING " + Webhook.COLUMNS;
  /** A deleted webhook leaves no dangling id in a template's callbacks. */
  static final String UNLINK_FROM_TEMPLATES = """
      UPDATE ingest.record_templates
      SET callbacks = jsonb_set(callbacks, '{webhooks}', (callbacks -> 'webhooks') - $1::text), updated_at = now()
      WHERE callbacks -> 'webhooks' ? $1::text""";
  static final String DELETE = "DELETE FROM ingest.webhooks WHERE webhook_id = $1";
  static final String DELIVERIES = """
      SELECT delivery_id, event_id, event_type, status, attempts, last_status, last_error, created_at,
             last_attempt_at, next_attempt_at, finished_at
      FROM ingest.webhook_deliveries
      WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR event_type = $3)
        AND ($4::bigint IS NULL OR delivery_id < $4)
      ORDER BY delivery_id DESC LIMIT $5""";
  static final String DELIVERY = """
      SELECT delivery_id, event_id, event_type, status, attempts, last_status, last_error, created_at,
             last_attempt_at, next_attempt_at, finished_at
      FROM ingest.webhook_deliveries WHERE webhook_id = $1 AND delivery_id = $2""";
  static final String ATTEMPTS = """
      SELECT attempted_at, duration_ms, status_code, error FROM ingest.webhook_attempts
      WHERE delivery_id = $1 ORDER BY attempt_id""";
  /** A new round of attempts for a finished delivery (its earlier attempts stay in the log). */
  static final String RETRY = """
      UPDATE ingest.webhook_deliveries
      SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL, finished_at = NULL
      WHERE webhook_id = $1 AND delivery_id = $2 AND status <> 'pending'""";

  private final Pool pool;

  public WebhookRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Webhook> create(String id, String url, String description, List<String> events, String salt) {
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(id, url, description, events.toArray(String[]::new), salt))
        .map(rows -> Webhook.from(rows.iterator().next()));
  }

  public Future<List<Webhook>> page(String after, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(after, limit)).map(WebhookRepository::webhooks);
  }

  public Future<Optional<Webhook>> get(String id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id)).map(rows -> webhooks(rows).stream().findFirst());
  }

  public Future<Optional<Webhook>> rotate(String id, String salt) {
    return pool.preparedQuery(ROTATE).execute(Tuple.of(id, salt)).map(rows -> webhooks(rows).stream().findFirst());
  }

  /** Deletes the webhook, its delivery log, and its id from every template; false when there was none. */
  public Future<Boolean> delete(String id) {
    return pool.withTransaction(c -> c.preparedQuery(UNLINK_FROM_TEMPLATES).execute(Tuple.of(id))
        .compose(x -> c.preparedQuery(DELETE).execute(Tuple.of(id)))
        .map(rows -> rows.rowCount() > 0));
  }

  public Future<List<JsonObject>> deliveries(WebhookRequests.DeliveryQuery q, int limit) {
    return pool.preparedQuery(DELIVERIES)
        .execute(Tuple.of(q.webhookId(), q.status(), q.eventType(), q.cursor(), limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rows) out.add(delivery(r));
          return out;
        });
  }

  /** One delivery with every attempt, or empty when the webhook has no such delivery. */
  public Future<Optional<JsonObject>> delivery(String webhookId, long deliveryId) {
    return pool.preparedQuery(DELIVERY).execute(Tuple.of(webhookId, deliveryId)).compose(rows -> {
      if (rows.size() == 0) return Future.succeededFuture(Optional.empty());
      JsonObject d = delivery(rows.iterator().next());
      return pool.preparedQuery(ATTEMPTS).execute(Tuple.of(deliveryId)).map(attempts -> {
        JsonArray list = new JsonArray();
        for (Row a : attempts) {
          list.add(new JsonObject().put("at", millis(a.getOffsetDateTime("attempted_at")))
              .put("durationMs", a.getInteger("duration_ms")).put("statusCode", a.getInteger("status_code"))
              .put("error", a.getString("error")));
        }
        return Optional.of(d.put("attemptLog", list));
      });
    });
  }

  /** Schedules a finished delivery again; false when it is unknown or still pending. */
  public Future<Boolean> retry(String webhookId, long deliveryId) {
    return pool.preparedQuery(RETRY).execute(Tuple.of(webhookId, deliveryId)).map(rows -> rows.rowCount() > 0);
  }

  private static JsonObject delivery(Row r) {
    return new JsonObject().put("id", r.getLong("delivery_id")).put("eventId", r.getLong("event_id"))
        .put("eventType", r.getString("event_type")).put("status", r.getString("status"))
        .put("attempts", r.getInteger("attempts")).put("lastStatusCode", r.getInteger("last_status"))
        .put("lastError", r.getString("last_error")).put("createdAt", millis(r.getOffsetDateTime("created_at")))
        .put("lastAttemptAt", millis(r.getOffsetDateTime("last_attempt_at")))
        .put("nextAttemptAt", millis(r.getOffsetDateTime("next_attempt_at")))
        .put("finishedAt", millis(r.getOffsetDateTime("finished_at")));
  }

  private static Long millis(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toEpochMilli();
  }

  private static List<Webhook> webhooks(RowSet<Row> rows) {
    List<Webhook> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(Webhook.from(r));
    return out;
  }
}
