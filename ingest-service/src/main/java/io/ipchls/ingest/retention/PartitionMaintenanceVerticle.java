package io.ipchls.ingest.retention;

import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps daily partitions of {@code ingest.segments} ready a few days ahead (at start-up, then hourly), so that new
 * rows land in their day's partition and retention can later drop whole days. A failure is logged and retried at the
 * next run; rows still land in the DEFAULT partition meanwhile. One instance in the cluster runs it at a time (a
 * cluster-wide lock, like the retention sweeper's; an instance that cannot get it skips the run, which the holder is
 * doing anyway). The SQL is safe to run concurrently as well, so a double run during a cluster split does no harm.
 */
public final class PartitionMaintenanceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenanceVerticle.class);
  static final String ENSURE_PARTITIONS = "SELECT ingest.ensure_segment_partitions($1)";
  static final int DAYS_AHEAD = 2;
  private static final long PERIOD_MS = 3_600_000;
  /** The cluster-wide lock that makes one instance create partitions at a time. */
  public static final String LOCK = "ipchls.ingest.partition-maintenance";
  private static final long LOCK_WAIT_MS = 1_000;

  private final DbConfig db;
  private Pool pool;
  private long timerId = -1;

  public PartitionMaintenanceVerticle(DbConfig db) {
    this.db = db;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, db.withPoolSize(1));
    timerId = vertx.setPeriodic(PERIOD_MS, t -> ensurePartitions());
    return ensurePartitions();
  }

  /** Completes (never fails) once the run is over. */
  public Future<Void> ensurePartitions() {
    return vertx.sharedData().getLockWithTimeout(LOCK, LOCK_WAIT_MS).transform(ar -> ar.failed()
        ? Future.<Void>succeededFuture()
        : ensureHolding().eventually(() -> {
          ar.result().release();
          return Future.succeededFuture();
        }));
  }

  private Future<Void> ensureHolding() {
    return pool.preparedQuery(ENSURE_PARTITIONS).execute(Tuple.of(DAYS_AHEAD))
        .map(rows -> rows.iterator().next().getInteger(0))
        .onSuccess(n -> {
          if (n > 0) LOG.info("created {} daily partition(s) of ingest.segments", n);
        })
        .onFailure(e -> LOG.warn("cannot create daily partitions of ingest.segments: {}", e.getMessage()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
