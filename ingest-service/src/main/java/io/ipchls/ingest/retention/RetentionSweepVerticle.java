package io.ipchls.ingest.retention;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.retention.RetentionRepository.SegmentId;
import io.ipchls.ingest.shared.ObjectStore;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.config.S3Config;
import io.ipchls.kit.db.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.shareddata.Lock;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes segments beyond their camera's retention, every {@code intervalMs} and once at start-up: objects first
 * (DeleteObjects, {@value #BATCH} keys per round), then their rows and recordings, then empty expired partitions.
 * Only one instance in the cluster sweeps at a time (a cluster-wide lock; an instance that cannot get it skips the
 * round). Idempotent and restart-safe: a crash between deleting objects and rows leaves rows whose objects are gone,
 * and the next sweep deletes those (missing) objects again, which S3 answers with success.
 */
public final class RetentionSweepVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweepVerticle.class);
  /** The cluster-wide lock that makes one instance sweep at a time. */
  public static final String LOCK = "ipchls.ingest.retention-sweep";
  static final int BATCH = ObjectStore.MAX_DELETE;
  /** Long enough to get a free lock across the cluster, short enough to skip a round another instance runs. */
  private static final long LOCK_WAIT_MS = 1_000;

  /** What one sweep did. */
  public record Sweep(int segmentsDeleted, int partitionsDropped, boolean skipped) {}

  private final DbConfig db;
  private final S3Config s3;
  private final int defaultRetentionDays;
  private final long intervalMs;
  private final IngestMetrics metrics;
  private Pool pool;
  private ObjectStore store;
  private RetentionRepository repository;
  private long timerId = -1;

  public RetentionSweepVerticle(DbConfig db, S3Config s3, int defaultRetentionDays, long intervalMs,
      IngestMetrics metrics) {
    this.db = db;
    this.s3 = s3;
    this.defaultRetentionDays = defaultRetentionDays;
    this.intervalMs = intervalMs;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, db.withPoolSize(1));
    store = new ObjectStore(s3);
    repository = new RetentionRepository(pool, defaultRetentionDays);
    timerId = vertx.setPeriodic(1, intervalMs, t -> sweep()
        .onFailure(e -> LOG.warn("retention sweep failed; the next one continues where it stopped: {}",
            e.getMessage())));
    return Future.succeededFuture();
  }

  /** One sweep unless another instance is sweeping; fails when the database or the bucket fails. */
  public Future<Sweep> sweep() {
    return vertx.sharedData().getLockWithTimeout(LOCK, LOCK_WAIT_MS)
        .transform(ar -> ar.failed() ? Future.succeededFuture(new Sweep(0, 0, true)) : sweepHolding(ar.result()))
        .onSuccess(s -> metrics.sweep(s.segmentsDeleted(), s.partitionsDropped(), s.skipped()));
  }

  private Future<Sweep> sweepHolding(Lock lock) {
    return deleteExpired(0)
        .compose(deleted -> repository.dropExpiredPartitions().map(dropped -> new Sweep(deleted, dropped, false)))
        .onSuccess(s -> {
          if (s.segmentsDeleted() > 0 || s.partitionsDropped() > 0) {
            LOG.info("retention: deleted {} expired segment(s), dropped {} partition(s)", s.segmentsDeleted(),
                s.partitionsDropped());
          }
        })
        .eventually(() -> {
          lock.release();
          return Future.succeededFuture();
        });
  }

  /** Rounds of up to {@value #BATCH} segments until none is left; stops at a round whose objects all failed. */
  private Future<Integer> deleteExpired(int doneSoFar) {
    return repository.expired(BATCH).compose(batch -> {
      if (batch.isEmpty()) return Future.succeededFuture(doneSoFar);
      List<String> keys = batch.stream().map(SegmentId::objectKey).toList();
      return vertx.executeBlocking(() -> store.deleteAll(keys), false).compose(failed -> {
        List<SegmentId> gone = batch.stream().filter(id -> !failed.containsKey(id.objectKey())).toList();
        logFailures(failed);
        return repository.delete(gone).compose(deleted -> {
          metrics.expired(deleted);
          if (gone.isEmpty()) return Future.failedFuture("no expired object could be deleted: " + failed.values());
          return batch.size() < BATCH ? Future.succeededFuture(doneSoFar + deleted) : deleteExpired(doneSoFar + deleted);
        });
      });
    });
  }

  private static void logFailures(Map<String, String> failed) {
    if (failed.isEmpty()) return;
    LOG.warn("retention: {} object(s) not deleted, their rows stay for the next sweep; e.g. {}", failed.size(),
        failed.entrySet().iterator().next());
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    if (store != null) store.close();
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
