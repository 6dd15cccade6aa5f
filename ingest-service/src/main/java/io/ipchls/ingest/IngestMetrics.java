package io.ipchls.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/** The ingest counters, exported at {@code /metrics} (Prometheus names in the Javadoc of each method). */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Counter indexed;
  private final Counter duplicates;
  private final DistributionSummary batchSize;
  private final Counter writeRetries;
  private final Counter expired;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.indexed = Counter.builder("segments.indexed").description("segments newly written to the index")
        .register(registry);
    this.duplicates = Counter.builder("segments.duplicate")
        .description("notifications for segments already indexed (redeliveries)").register(registry);
    this.batchSize = DistributionSummary.builder("segments.batch.size")
        .description("notifications per database write").register(registry);
    this.writeRetries = Counter.builder("segments.write.retries")
        .description("failed database steps that are retried while their messages stay unacknowledged")
        .register(registry);
    this.expired = Counter.builder("segments.expired")
        .description("segments deleted (object and row) by the retention sweeper").register(registry);
  }

  /** {@code segments_expired_total}. */
  public void expired(int n) {
    expired.increment(n);
  }

  /** {@code segments_write_retries_total}. */
  public void writeRetry() {
    writeRetries.increment();
  }

  /** {@code segments_indexed_total}. */
  public void indexed(int n) {
    indexed.increment(n);
  }

  /** {@code segments_duplicate_total}. */
  public void duplicates(int n) {
    duplicates.increment(n);
  }

  /** {@code segments_batch_size_{count,sum,max}}. */
  public void batch(int n) {
    batchSize.record(n);
  }

  /** {@code segments_rejected_total{reason}}. */
  public void rejected(String reason) {
    Counter.builder("segments.rejected").description("notifications refused, by reason").tag("reason", reason)
        .register(registry).increment();
  }
}
