package io.ipchls.ingest.retention;

import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.jobs.PeriodicJob;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps daily partitions of {@code ingest.segments} ready a few days ahead (at start-up, then hourly), so that new
 * rows land in their day's partition and retention can later drop whole days. A failure is logged and retried at the
 * next run; rows still land in the DEFAULT partition meanwhile. One instance in the cluster runs it at a time
 * ({@link PeriodicJob#underClusterLock}, like the retention sweeper; an instance that cannot get the lock skips the
 * run, which the holder is doing anyway). The SQL is safe to run concurrently as well, so a double run during a
 * cluster split does no harm.
 */
public final class PartitionMaintenanceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenanceVerticle.class);
  static final String ENSURE_PARTITIONS = "SELECT ingest.ensure_segment_partitions($1)";
  static final int DAYS_AHEAD = 2;
  private static final long PERIOD_MS = 3_600_000;
  /** The cluster-wide lock that makes one instance create partitions at a time. */
  public static final String LOCK = "ipchls.ingest.partition-maintenance";

  private final IngestPools pools;
  private Pool pool;
  private PeriodicJob<Integer> job;

  public PartitionMaintenanceVerticle(IngestPools pools) {
    this.pools = pools;
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "partition-maintenance", 1);
    job = PeriodicJob.underClusterLock(vertx, LOCK, PERIOD_MS, this::ensureHolding).start(PERIOD_MS);
    return ensurePartitions();
  }

  /** Completes (never fails) once the run is over. */
  public Future<Void> ensurePartitions() {
    return job.runNow().<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Runs while this instance holds the cluster-wide lock; the number of partitions created. */
  private Future<Integer> ensureHolding() {
    return pool.preparedQuery(ENSURE_PARTITIONS).execute(Tuple.of(DAYS_AHEAD))
        .map(rows -> rows.iterator().next().getInteger(0))
        .onSuccess(n -> {
          if (n > 0) LOG.info("created {} daily partition(s) of ingest.segments", n);
        })
        .onFailure(e -> LOG.warn("cannot create daily partitions of ingest.segments: {}", e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    // the round in progress ends before its pool closes (PeriodicJob#stop)
    Future<Void> roundEnded = job == null ? Future.succeededFuture() : job.stop();
    return roundEnded.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
