package io.ipchls.credential.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only audit trail {@code credential.audit}, kept for {@code audit.retentionDays} ({@link #deleteOlderThan}).
 * Callers never pass secrets.
 */
public final class AuditRepository {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRepository.class);
  static final String INSERT =
      "INSERT INTO credential.audit (camera_id, action, outcome, reason) VALUES ($1, $2, $3, $4)";
  static final String INSERT_COUNTED = "INSERT INTO credential.audit "
      + "(camera_id, action, outcome, reason, source_address, count) VALUES ($1, $2, $3, $4, $5, $6)";
  static final String INSERT_ALL = "INSERT INTO credential.audit (camera_id, action, outcome, reason) "
      + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])";
  /** In batches, so a first sweep over a large backlog does not hold one huge transaction. */
  static final String DELETE_OLD = "DELETE FROM credential.audit WHERE id IN (SELECT id FROM credential.audit "
      + "WHERE at < now() - $1::int * interval '1 day' LIMIT $2)";

  public static final String OK = "ok";
  public static final String REFUSED = "refused";

  /** One aggregated row: {@code count} events of the same camera, source address and reason. */
  public record Counted(String cameraId, String action, String outcome, String reason, String sourceAddress,
      int count) {}

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

  /** One entry of {@link #recordAll}. */
  public record Entry(String cameraId, String action, String outcome, String reason) {}

  /** Writes many entries in one statement; a failure is logged, never raised. */
  public Future<Void> recordAll(List<Entry> entries) {
    if (entries.isEmpty()) return Future.succeededFuture();
    return pool.preparedQuery(INSERT_ALL).execute(Tuple.of(
            entries.stream().map(Entry::cameraId).toArray(String[]::new),
            entries.stream().map(Entry::action).toArray(String[]::new),
            entries.stream().map(Entry::outcome).toArray(String[]::new),
            entries.stream().map(Entry::reason).toArray(String[]::new)))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("audit write of {} entries failed: {}", entries.size(), e.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Writes aggregated entries in one batch; a failure is logged, never raised. */
  public Future<Void> recordCounted(List<Counted> rows) {
    if (rows.isEmpty()) return Future.succeededFuture();
    List<Tuple> tuples = rows.stream().map(r -> Tuple.of(r.cameraId(), r.action(), r.outcome(), r.reason(),
        r.sourceAddress(), r.count())).toList();
    return pool.preparedQuery(INSERT_COUNTED).executeBatch(tuples)
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("audit write of {} aggregated rows failed: {}", rows.size(), e.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Deletes up to {@code limit} entries older than {@code days}; the number deleted. */
  public Future<Integer> deleteOlderThan(int days, int limit) {
    return pool.preparedQuery(DELETE_OLD).execute(Tuple.of(days, limit)).map(rows -> rows.rowCount());
  }
}
