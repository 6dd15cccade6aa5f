package io.ipchls.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.stream.LongStream;

/** The ingest counters, exported at {@code /metrics} (Prometheus names in the Javadoc of each method). */
public final class IngestMetrics {
  private final MeterRegistry registry;
  private final Counter indexed;
  private final Counter duplicates;
  private final DistributionSummary batchSize;
  private final Counter writeRetries;
  private final Counter expired;
  private final Timer lag;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong dbRetrying = new AtomicLong();
  private final AtomicLong lastLagMs = new AtomicLong();
  private final AtomicLong lastCommitAt = new AtomicLong();
  private volatile JsonObject lastSweep = new JsonObject().put("state", "not run yet");

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
    this.lag = Timer.builder("segments.ingest.lag")
        .description("from the camera announcing a segment (its deviceTime) to its row being committed")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
        .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
    Gauge.builder("segments.queued", queued, AtomicLong::get)
        .description("notifications received and waiting for a database write").register(registry);
    Gauge.builder("ingest.db.retrying", dbRetrying, AtomicLong::get)
        .description("writes waiting to retry after a transient database error (alarm when > 0 for long)")
        .register(registry);
  }

  /**
   * How the index writes went ({@code indexing.SegmentRepository}): {@code segments_decided_total} (segments whose
   * numbers and recording ingest decided itself; the rest went through the database's general function),
   * {@code segments_camera_reads_total} (cameras a batch read under their locks; the others' state was remembered from
   * this instance's own commits) and {@code segments_stale_batches_total} (batches done again because a remembered
   * state had been moved by another writer: another instance, a deletion).
   */
  public <T> void indexing(T repository, ToDoubleFunction<T> decided, ToDoubleFunction<T> reads,
      ToDoubleFunction<T> stale) {
    FunctionCounter.builder("segments.decided", repository, decided)
        .description("segments whose live numbers and recording ingest decided itself").register(registry);
    FunctionCounter.builder("segments.camera.reads", repository, reads)
        .description("cameras read under their locks by a batch (the others were remembered)").register(registry);
    FunctionCounter.builder("segments.stale.batches", repository, stale)
        .description("batches done again because a remembered camera state had been moved by another writer")
        .register(registry);
  }

  /**
   * {@code ingest_notifications_held_limit}: the bound of notifications one MQTT connection holds received and not yet
   * acknowledged ({@code maxHeldPerConnection}).
   */
  public void heldLimit(int max) {
    Gauge.builder("ingest.notifications.held.limit", () -> max)
        .description("notifications one MQTT connection may hold unacknowledged before it stops reading")
        .register(registry);
  }

  /**
   * One MQTT connection's {@code ingest_notifications_held{connection}} (received, not yet acknowledged),
   * {@code ingest_notifications_held_peak{connection}} (the most it held since start) and
   * {@code ingest_mqtt_reading_paused{connection}} (1 while it does not read, being at its bound).
   */
  public <T> void connection(String connection, T state, ToIntFunction<T> held, ToIntFunction<T> peak,
      ToIntFunction<T> paused) {
    Gauge.builder("ingest.notifications.held", state, s -> held.applyAsInt(s)).tag("connection", connection)
        .description("notifications received on this MQTT connection and not yet acknowledged").register(registry);
    Gauge.builder("ingest.notifications.held.peak", state, s -> peak.applyAsInt(s)).tag("connection", connection)
        .description("the most notifications this MQTT connection held unacknowledged since start")
        .register(registry);
    Gauge.builder("ingest.mqtt.reading.paused", state, s -> paused.applyAsInt(s)).tag("connection", connection)
        .description("1 while this MQTT connection does not read, being at its bound of held notifications")
        .register(registry);
  }

  /** {@code ingest_db_retrying}: a write starts (+1) or stops (-1) waiting on a transient error. */
  public void dbRetrying(int delta) {
    dbRetrying.addAndGet(delta);
  }

  /** {@code ingest_db_errors_total{kind}}: a failed write, by kind (transient, permanent, duplicate). */
  public void dbError(String kind) {
    Counter.builder("ingest.db.errors").description("failed database writes of segments, by kind")
        .tag("kind", kind).register(registry).increment();
  }

  /** {@code segments_queued}. */
  public void queued(int n) {
    queued.set(n);
  }

  /** {@code segments_ingest_lag_seconds}: one committed batch, by the cameras' announce times. */
  public void committed(LongStream deviceTimes) {
    long now = System.currentTimeMillis();
    long max = deviceTimes.map(t -> Math.max(0, now - t)).peek(ms -> lag.record(ms, TimeUnit.MILLISECONDS))
        .max().orElse(0);
    lastLagMs.set(max);
    lastCommitAt.set(now);
  }

  /** What the retention sweeper last did (for the ops view). */
  public void sweep(int deleted, int partitionsDropped, boolean skipped) {
    lastSweep = new JsonObject().put("state", skipped ? "skipped (another instance sweeps)" : "done")
        .put("at", System.currentTimeMillis()).put("segmentsDeleted", deleted)
        .put("partitionsDropped", partitionsDropped);
  }

  /** This instance's figures for its ops snapshot. */
  public JsonObject stats() {
    return new JsonObject()
        .put("segmentsIndexed", (long) indexed.count())
        .put("segmentsDuplicate", (long) duplicates.count())
        .put("segmentsRejected", (long) registry.find("segments.rejected").counters().stream()
            .mapToDouble(Counter::count).sum())
        .put("queued", queued.get())
        .put("lagMs", lastLagMs.get())
        .put("lastCommitAt", lastCommitAt.get() == 0 ? null : lastCommitAt.get())
        .put("retention", lastSweep.copy().put("segmentsExpired", (long) expired.count()));
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

  /**
   * {@code segments_thumbnail_dropped_total{reason}}: segments indexed without the thumbnail their notification named,
   * because verification found it missing or unreadable in the bucket.
   */
  public void thumbnailDropped(String reason) {
    Counter.builder("segments.thumbnail.dropped")
        .description("segments indexed without their thumbnail, which the bucket did not have or refused to show")
        .tag("reason", reason).register(registry).increment();
  }

  /** {@code segments_rejected_total{reason}}. */
  public void rejected(String reason) {
    Counter.builder("segments.rejected").description("notifications refused, by reason").tag("reason", reason)
        .register(registry).increment();
  }

  /**
   * {@code events_accepted_total{source,outcome}}: an event stored ({@code outcome="stored"}) or already there under
   * its id ({@code outcome="duplicate"}), by source ({@code mqtt}, {@code http}).
   */
  public void eventAccepted(String source, boolean created) {
    Counter.builder("events.accepted").description("camera events stored or already stored, by source and outcome")
        .tag("source", source).tag("outcome", created ? "stored" : "duplicate").register(registry).increment();
  }

  /** {@code events_rejected_total{source,reason}}. */
  public void eventRejected(String source, String reason) {
    Counter.builder("events.rejected").description("camera events refused, by source and reason")
        .tag("source", source).tag("reason", reason).register(registry).increment();
  }
}
