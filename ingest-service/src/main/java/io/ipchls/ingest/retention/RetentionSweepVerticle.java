package io.ipchls.ingest.retention;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.retention.RetentionRepository.SegmentId;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.ingest.shared.ObjectStore;
import io.ipchls.kit.jobs.PeriodicJob;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes segments beyond their camera's retention, every {@code intervalMs} and once at start-up: objects first
 * (DeleteObjects, {@value #BATCH} keys per round), then their rows and recordings, then empty expired partitions.
 * Only one instance in the cluster sweeps at a time ({@link PeriodicJob#underClusterLock}; an instance that cannot get
 * the lock skips the round). Idempotent and restart-safe: a crash between deleting objects and rows leaves rows whose objects are gone,
 * and the next sweep deletes those (missing) objects again, which S3 answers with success.
 */
public final class RetentionSweepVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweepVerticle.class);
  /** The cluster-wide lock that makes one instance sweep at a time. */
  public static final String LOCK = "ipchls.ingest.retention-sweep";
  static final int BATCH = ObjectStore.MAX_DELETE;
  private static final Sweep SKIPPED = new Sweep(/* segmentsDeleted= */ 0, /* partitionsDropped= */ 0,
      /* skipped= */ true);

  /** What one sweep did. */
  public record Sweep(int segmentsDeleted, int partitionsDropped, boolean skipped) {}

  private final RetentionConfig config;
  private final IngestPools pools;
  private final IngestMetrics metrics;
  private Pool pool;
  private ObjectStore store;
  private RetentionRepository repository;
  private PeriodicJob<Sweep> job;

  public RetentionSweepVerticle(RetentionConfig config, IngestPools pools, IngestMetrics metrics) {
    this.config = config;
    this.pools = pools;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "retention", 1);
    store = new ObjectStore(config.s3());
    repository = new RetentionRepository(pool, config.defaultRetentionDays());
    job = PeriodicJob.underClusterLock(vertx, LOCK, config.sweepIntervalSeconds() * 1000L, this::sweepHolding)
        .onSkipped(() -> metrics.sweep(SKIPPED.segmentsDeleted(), SKIPPED.partitionsDropped(), SKIPPED.skipped()))
        .start(/* firstDelayMs= */ 1);
    return Future.succeededFuture();
  }

  /** One sweep unless another instance is sweeping; fails when the database or the bucket fails. */
  public Future<Sweep> sweep() {
    return job.runNow().map(done -> done.orElse(SKIPPED));
  }

  /** Runs while this instance holds the cluster-wide lock. */
  private Future<Sweep> sweepHolding() {
    return deleteExpired(0)
        .compose(deleted -> repository.dropExpiredPartitions().map(dropped -> new Sweep(deleted, dropped, false)))
        .onSuccess(s -> {
          if (s.segmentsDeleted() > 0 || s.partitionsDropped() > 0) {
            LOG.info("retention: deleted {} expired segment(s), dropped {} partition(s)", s.segmentsDeleted(),
                s.partitionsDropped());
          }
          metrics.sweep(s.segmentsDeleted(), s.partitionsDropped(), s.skipped());
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
    if (job != null) job.stop();
    if (store != null) store.close();
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
