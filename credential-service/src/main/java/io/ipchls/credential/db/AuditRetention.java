package io.ipchls.credential.db;

import io.vertx.core.Future;

/**
 * One round of the audit retention: deletes up to {@link #BATCH} audit rows older than {@code retentionDays} and the
 * failed-login windows that have passed. Run by a {@link io.ipchls.kit.jobs.PeriodicJob} under a cluster-wide lock
 * (one instance at a time), again at once while a round deletes a full batch.
 */
public final class AuditRetention {
  public static final int BATCH = 10_000;
  public static final String LOCK = "ipchls.credential.audit-retention";

  private final CameraStore store;
  private final int retentionDays;
  private final int failureWindowSeconds;

  public AuditRetention(CameraStore store, int retentionDays, int failureWindowSeconds) {
    this.store = store;
    this.retentionDays = retentionDays;
    this.failureWindowSeconds = failureWindowSeconds;
  }

  /** The number of audit rows deleted. */
  public Future<Integer> sweep() {
    return store.audit().deleteOlderThan(retentionDays, BATCH)
        .compose(deleted -> store.failures().purge(failureWindowSeconds).map(deleted));
  }
}
