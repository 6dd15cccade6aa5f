package io.ipchls.ingest.retention;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.retention.RetentionRepository.IndexFileId;
import io.ipchls.ingest.retention.RetentionRepository.SegmentId;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.ingest.shared.ObjectStore;
import io.ipchls.kit.jobs.PeriodicJob;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes segments beyond their camera's retention, every {@code intervalMs} and once at start-up: objects first
 * (DeleteObjects, {@value #BATCH} keys per round), then their rows and recordings; then the camera events that
 * started before the same cutoff (rows only, they have no object); then index files whose segments
 * are all past retention, the same way; then empty expired partitions. An object that a row inside retention still
 * names (the same key announced again, or by another camera) is never deleted: only the expired row goes.
 * Only one instance in the cluster sweeps at a time ({@link PeriodicJob#underClusterLock}; an instance that cannot get
 * the lock skips the round). Idempotent and restart-safe: a crash between deleting objects and rows leaves rows whose
 * objects are gone, and the next sweep deletes those (missing) objects again, which S3 answers with success.
 */
public final class RetentionSweepVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSweepVerticle.class);
  /** The cluster-wide lock that makes one instance sweep at a time. */
  public static final String LOCK = "ipchls.ingest.retention-sweep";
  static final int BATCH = ObjectStore.MAX_DELETE;
  private static final Sweep SKIPPED = new Sweep(/* segmentsDeleted= */ 0, /* indexFilesDeleted= */ 0,
      /* partitionsDropped= */ 0, /* skipped= */ true);

  /** What one sweep did. */
  public record Sweep(int segmentsDeleted, int indexFilesDeleted, int partitionsDropped, boolean skipped) {}

  private final RetentionConfig config;
  private final IngestPools pools;
  private final IngestMetrics metrics;
  private Pool pool;
  private ObjectStore store;
  private RetentionRepository repository;
  private PeriodicJob<Sweep> job;
  private PeriodicJob<Integer> quotaJob;

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
    // quotas of policy ring more often than the day-based sweep: a camera over its quota is back under it within
    // quotaIntervalSeconds (plus one round), checked in constant time per camera from its totals row
    quotaJob = PeriodicJob.underClusterLock(vertx, LOCK, config.quotaIntervalSeconds() * 1000L,
        this::deleteOverQuota).start(config.quotaIntervalSeconds() * 1000L);
    return Future.succeededFuture();
  }

  /** One round of quota enforcement unless another instance is sweeping; how many segments it deleted. */
  public Future<Integer> enforceQuotas() {
    return quotaJob.runNow().map(done -> done.orElse(0));
  }

  /** One sweep unless another instance is sweeping; fails when the database or the bucket fails. */
  public Future<Sweep> sweep() {
    return job.runNow().map(done -> done.orElse(SKIPPED));
  }

  /** Runs while this instance holds the cluster-wide lock. */
  private Future<Sweep> sweepHolding() {
    // accounts first: their days cap their cameras' retention (V43)
    return repository.refreshAccounts().compose(accounts -> deleteExpiredSegments()).compose(segments -> deleteExpiredEvents(0).map(segments))
        .compose(segments -> deleteExpiredIndexFiles()
            .compose(indexFiles -> repository.dropExpiredPartitions()
                .map(dropped -> new Sweep(segments, indexFiles, dropped, /* skipped= */ false))))
        .onSuccess(s -> {
          if (s.segmentsDeleted() > 0 || s.indexFilesDeleted() > 0 || s.partitionsDropped() > 0) {
            LOG.info("retention: deleted {} expired segment(s) and {} index file(s), dropped {} partition(s)",
                s.segmentsDeleted(), s.indexFilesDeleted(), s.partitionsDropped());
          }
          metrics.sweep(s.segmentsDeleted(), s.partitionsDropped(), s.skipped());
        });
  }

  /** Segments: rounds until none is left; objects a kept row still names stay, their expired rows go. */
  private Future<Integer> deleteExpiredSegments() {
    return new Rounds<SegmentId>(() -> repository.expired(BATCH), SegmentId::objectsToDelete,
        gone -> repository.delete(gone).onSuccess(metrics::expired)).run(0);
  }

  /**
   * Storage quotas of policy ring: each camera's oldest segments until its stored bytes are at or under its quota,
   * and each account's oldest segments across its cameras until they are under the account's quota, deleted as
   * expired ones are (objects first, then rows, which moves the camera's counters); then the accounts' totals are
   * refreshed for the stop check (V43).
   */
  private Future<Integer> deleteOverQuota() {
    Future<Integer> deleted = new Rounds<SegmentId>(() -> repository.overQuota(BATCH), SegmentId::objectsToDelete,
        gone -> repository.delete(gone).onSuccess(metrics::expired)).run(0).onSuccess(n -> {
          if (n > 0) LOG.info("quota: deleted {} oldest segment(s) over a camera's or account's storage quota", n);
        });
    // then the accounts' stored bytes as the stop check reads them, after this round's deletions
    return deleted.compose(n -> repository.refreshAccounts().map(n));
  }

  /** Camera events past their camera's retention, in rounds of {@value #BATCH} rows. */
  private Future<Integer> deleteExpiredEvents(int doneSoFar) {
    return repository.deleteExpiredEvents(BATCH).compose(n -> {
      if (n < BATCH) {
        if (doneSoFar + n > 0) LOG.info("retention: deleted {} expired event(s)", doneSoFar + n);
        return Future.succeededFuture(doneSoFar + n);
      }
      return deleteExpiredEvents(doneSoFar + n);
    });
  }

  /** Index files whose every segment is past retention, the same way. */
  private Future<Integer> deleteExpiredIndexFiles() {
    return new Rounds<IndexFileId>(() -> repository.expiredIndexFiles(BATCH), IndexFileId::objectsToDelete,
        repository::deleteIndexFiles).run(0);
  }

  /**
   * Rounds of up to {@value #BATCH} expired rows: DeleteObjects for the keys no kept row names (a segment's own object
   * and its init segment), then the rows whose objects are gone or kept for another row. Stops when a round is short,
   * and fails at a round that deleted no row.
   */
  private final class Rounds<T> {
    private final Supplier<Future<List<T>>> expired;
    private final Function<T, List<String>> objectsToDelete;
    private final Function<List<T>, Future<Integer>> deleteRows;

    Rounds(Supplier<Future<List<T>>> expired, Function<T, List<String>> objectsToDelete,
        Function<List<T>, Future<Integer>> deleteRows) {
      this.expired = expired;
      this.objectsToDelete = objectsToDelete;
      this.deleteRows = deleteRows;
    }

    Future<Integer> run(int doneSoFar) {
      return expired.get().compose(batch -> {
        if (batch.isEmpty()) return Future.succeededFuture(doneSoFar);
        List<String> keys = batch.stream().flatMap(row -> objectsToDelete.apply(row).stream()).distinct().toList();
        return vertx.executeBlocking(() -> store.deleteAll(keys), false).compose(failed -> {
          logFailures(failed);
          List<T> gone = batch.stream()
              .filter(row -> objectsToDelete.apply(row).stream().noneMatch(failed::containsKey)).toList();
          return deleteRows.apply(gone).compose(deleted -> {
            if (gone.isEmpty()) return Future.failedFuture("no expired object could be deleted: " + failed.values());
            int done = doneSoFar + deleted;
            return batch.size() < BATCH ? Future.succeededFuture(done) : run(done);
          });
        });
      });
    }
  }

  private static void logFailures(Map<String, String> failed) {
    if (failed.isEmpty()) return;
    LOG.warn("retention: {} object(s) not deleted, their rows stay for the next sweep; e.g. {}", failed.size(),
        failed.entrySet().iterator().next());
  }

  @Override
  public Future<?> stop() {
    // the round in progress ends before what it uses closes (PeriodicJob#stop): a sweep cut off between deleting
    // objects and their rows would leave rows pointing at deleted objects until the next round
    Future<Void> roundEnded = Future.all(job == null ? Future.succeededFuture() : job.stop(),
        quotaJob == null ? Future.succeededFuture() : quotaJob.stop()).mapEmpty();
    return roundEnded.eventually(() -> {
      if (store != null) store.close();
      return pool == null ? Future.succeededFuture() : pool.close();
    });
  }
}
