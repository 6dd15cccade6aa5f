package io.ipchls.credential.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Append-only audit trail {@code credential.audit}. Callers never pass secrets. */
public final class AuditRepository {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRepository.class);
  static final String INSERT =
      "INSERT INTO credential.audit (camera_id, action, outcome, reason) VALUES ($1, $2, $3, $4)";

  public static final String OK = "ok";
  public static final String REFUSED = "refused";

  private final Pool pool;

  public AuditRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Writes one entry. An audit failure is logged but never fails the audited action: the action already happened.
   */
  public Future<Void> record(String cameraId, String action, String outcome, String reason) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(cameraId, action, outcome, reason))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("audit write failed ({} {} {}): {}", action, cameraId, outcome, e.getMessage());
          return Future.succeededFuture();
        });
  }
}
