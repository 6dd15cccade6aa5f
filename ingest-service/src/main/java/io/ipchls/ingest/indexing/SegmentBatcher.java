package io.ipchls.ingest.indexing;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.indexing.NotificationCheck.Rejection;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects accepted notifications and writes them in batches, with up to {@code concurrency} writes in flight. The
 * batch size adapts to the load by itself (group commit): a free writer takes everything queued (at most
 * {@code maxSize}) at once, so at low load a notification is written alone without waiting, and under load
 * notifications pile up while the writes run and the next batches grow. A message is acknowledged only after its row
 * is committed; while the database is unavailable the batch is retried with backoff and its messages stay
 * unacknowledged, so a broker redelivers them if this instance goes away. Runs on its verticle's event loop only.
 */
public final class SegmentBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentBatcher.class);
  private static final long FIRST_RETRY_MS = 100;
  private static final long MAX_RETRY_MS = 5_000;

  /** An accepted notification waiting to be written; {@code ack} acknowledges its MQTT message. */
  public record Pending(String cameraId, SegmentNotification notification, Runnable ack) {}

  /** At most {@code maxSize} notifications per batch and {@code concurrency} batch writes in flight. */
  public record Limits(int maxSize, int concurrency) {}

  /** Refuses a notification (tell the camera, count, acknowledge). */
  public interface Rejecter {
    void reject(Rejection rejection, Runnable ack);
  }

  private final Vertx vertx;
  private final SegmentRepository segments;
  private final BatchCheck check;
  private final IngestMetrics metrics;
  private final Rejecter rejecter;
  private final int maxSize;
  private final int concurrency;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int writing;
  private boolean closed;

  /**
   * @param check the checks that need I/O (storage prefix, retention, object existence), run per batch before the
   *     write; notifications it refuses go to {@code rejecter}
   */
  public SegmentBatcher(Vertx vertx, SegmentRepository segments, BatchCheck check, IngestMetrics metrics,
      Rejecter rejecter, Limits limits) {
    this.vertx = vertx;
    this.segments = segments;
    this.check = check;
    this.metrics = metrics;
    this.rejecter = rejecter;
    this.maxSize = limits.maxSize();
    this.concurrency = limits.concurrency();
  }

  public void add(Pending pending) {
    if (closed) return; // never acknowledged: the broker redelivers it
    queue.add(pending);
    metrics.queued(queue.size());
    writeNext();
  }

  /** Stops writing; whatever is not committed yet stays unacknowledged. */
  public void close() {
    closed = true;
    queue.clear();
  }

  private void writeNext() {
    while (writing < concurrency && !closed && !queue.isEmpty()) {
      writing++;
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxSize));
      while (!queue.isEmpty() && batch.size() < maxSize) batch.add(queue.poll());
      metrics.queued(queue.size());
      write(batch).onComplete(x -> {
        writing--;
        writeNext(); // what arrived during the write is the next batch
      });
    }
  }

  /** Checks the batch, refuses what fails, and indexes the rest. */
  private Future<Void> write(List<Pending> batch) {
    return retrying("check " + batch.size() + " notification(s)", () -> check.check(batch))
        .compose(outcome -> {
          outcome.refused().forEach(r -> rejecter.reject(r.rejection(), r.pending().ack()));
          return indexThenAcknowledge(outcome.accepted());
        });
  }

  /** The commit point: the rows are committed before any of their messages is acknowledged. */
  private Future<Void> indexThenAcknowledge(List<Pending> accepted) {
    List<SegmentRow> rows = accepted.stream().map(p -> SegmentRow.of(p.cameraId(), p.notification())).toList();
    return index(rows).map(inserted -> {
      acknowledge(accepted);
      committed(accepted.size(), inserted, rows);
      return null;
    });
  }

  /** Writes the rows (and their recordings, by the gap rule), retried until committed or closed. */
  private Future<Map<String, Integer>> index(List<SegmentRow> rows) {
    return retrying("write " + rows.size() + " segment(s)", () -> segments.insertAndApplyGapRule(rows));
  }

  private void acknowledge(List<Pending> committed) {
    committed.forEach(p -> p.ack().run());
    metrics.committed(committed.stream().mapToLong(p -> p.notification().deviceTime()));
  }

  private void committed(int written, Map<String, Integer> inserted, List<SegmentRow> rows) {
    int fresh = inserted.values().stream().mapToInt(Integer::intValue).sum();
    metrics.batch(written);
    metrics.indexed(fresh);
    metrics.duplicates(written - fresh);
    if (inserted.isEmpty()) return;
    // the segments themselves ride along, so playlist instances move their live windows without a query; a
    // redelivered duplicate among them is harmless (a live window only takes segments newer than its newest)
    List<SegmentsIndexed.Entry> segments = rows.stream().filter(r -> inserted.containsKey(r.cameraId()))
        .map(r -> new SegmentsIndexed.Entry(r.cameraId(), r.startAt().toInstant().toEpochMilli(), r.durationMs(),
            r.objectKey()))
        .toList();
    SegmentsIndexed event = new SegmentsIndexed(List.copyOf(inserted.keySet()), segments);
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED, ClusterMessages.toJson(event));
  }

  /** Repeats {@code op} with backoff until it succeeds or the batcher is closed. */
  private <T> Future<T> retrying(String what, Supplier<Future<T>> op) {
    Promise<T> result = Promise.promise();
    attempt(what, op, result, FIRST_RETRY_MS);
    return result.future();
  }

  private <T> void attempt(String what, Supplier<Future<T>> op, Promise<T> result, long delayMs) {
    Future<T> f;
    try {
      f = op.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else if (closed) {
        result.fail(ar.cause());
      } else {
        metrics.writeRetry();
        LOG.warn("{} failed, retrying in {} ms; its messages stay unacknowledged: {}", what, delayMs,
            ar.cause().getMessage());
        vertx.setTimer(delayMs, t -> attempt(what, op, result, Math.min(MAX_RETRY_MS, delayMs * 2)));
      }
    });
  }
}
