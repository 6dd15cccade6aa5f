package io.ipchls.ingest.quota;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** A camera's storage quota (V40 storage_quotas, scope camera) with its own retention and what it stores now. */
final class QuotaRepository {
  static final String PUT = """
      INSERT INTO ingest.storage_quotas (scope, subject_id, max_bytes, policy)
      VALUES ('camera', $1, $2, $3)
      ON CONFLICT (scope, subject_id) DO UPDATE
        SET max_bytes = excluded.max_bytes, policy = excluded.policy, exceeded_at = NULL, updated_at = now()""";
  static final String RETENTION = """
      INSERT INTO ingest.camera_settings (camera_id, retention_days) VALUES ($1, $2)
      ON CONFLICT (camera_id) DO UPDATE SET retention_days = excluded.retention_days, updated_at = now()""";
  static final String GET = """
      SELECT q.subject_id AS camera_id, q.max_bytes, q.policy, q.exceeded_at, s.retention_days,
             coalesce(u.stored_bytes, 0) AS stored_bytes, coalesce(u.stored_objects, 0) AS stored_objects
      FROM ingest.storage_quotas q
      LEFT JOIN ingest.camera_settings s ON s.camera_id = q.subject_id
      LEFT JOIN ingest.camera_usage u ON u.camera_id = q.subject_id
      WHERE q.scope = 'camera' AND q.subject_id = $1""";
  static final String DELETE = "DELETE FROM ingest.storage_quotas WHERE scope = 'camera' AND subject_id = $1";

  private final Pool pool;

  QuotaRepository(Pool pool) {
    this.pool = pool;
  }

  /** Sets the quota (and the camera's retention when given) in one transaction; a changed quota is armed again. */
  Future<Void> put(QuotaRequests.Put q) {
    return pool.withTransaction(c -> c.preparedQuery(PUT).execute(Tuple.of(q.cameraId(), q.maxBytes(), q.policy()))
        .compose(x -> q.retentionDays() == null ? Future.succeededFuture()
            : c.preparedQuery(RETENTION).execute(Tuple.of(q.cameraId(), q.retentionDays())))
        .mapEmpty());
  }

  Future<Optional<JsonObject>> get(String cameraId) {
    return pool.preparedQuery(GET).execute(Tuple.of(cameraId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
  }

  Future<Boolean> delete(String cameraId) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(cameraId)).map(rows -> rows.rowCount() > 0);
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject().put("cameraId", r.getString("camera_id")).put("maxBytes", r.getLong("max_bytes"))
        .put("policy", r.getString("policy")).put("retentionDays", r.getInteger("retention_days"))
        .put("storedBytes", r.getLong("stored_bytes")).put("storedObjects", r.getLong("stored_objects"))
        .put("exceeded", r.getOffsetDateTime("exceeded_at") != null);
  }
}
