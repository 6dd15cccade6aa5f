package io.ipchls.credential.db;

import io.vertx.core.Future;

/**
 * One round of the audit retention: deletes up to {@link #BATCH} audit rows older than {@code retentionDays}, the
 * failed-login windows that have passed and the credential-request buckets that are full again. Run by a {@link io.ipchls.kit.jobs.PeriodicJob} under a cluster-wide lock
 * (one instance at a time), again at once while a round deletes a full batch.
 */
public final class AuditRetention {
  public static final int BATCH = 10_000;
  public static final String LOCK = "ipchls.credential.audit-retention";

  private final CameraStore store;
  private final int retentionDays;
  private final int failureWindowSeconds;

  private final int bucketFullSeconds;

  /**
   * @param bucketFullSeconds after how long untouched a credential-request bucket is full again (burst × refill),
   *     so its row can go
   */
  public AuditRetention(CameraStore store, int retentionDays, int failureWindowSeconds, int bucketFullSeconds) {
    this.store = store;
    this.retentionDays = retentionDays;
    this.failureWindowSeconds = failureWindowSeconds;
    this.bucketFullSeconds = bucketFullSeconds;
  }

  /** The number of audit rows deleted. */
  public Future<Integer> sweep() {
    return store.audit().deleteOlderThan(retentionDays, BATCH)
        .compose(deleted -> store.failures().purge(failureWindowSeconds)
            .compose(x -> store.devices().purgeFullBuckets(bucketFullSeconds)).map(deleted));
  }
}
