package io.ipchls.ingest.indexing;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.indexing.NotificationCheck.Rejection;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects accepted notifications and writes them in batches, with up to {@code concurrency} writes in flight. The
 * batch size adapts to the load by itself (group commit): a free writer takes everything queued (at most
 * {@code maxSize}) at once, and under load notifications pile up while the writes run and the next batches grow.
 * A free writer with less than half a batch queued waits until the oldest queued notification is {@code lingerMs}
 * old: PostgreSQL's CPU per row grows as batches shrink (each batch's statements, round trips and commit), and
 * without the wait a fast database is given ever smaller batches (docs/PERFORMANCE.md, "Ingest"). At low load a
 * notification is therefore written {@code lingerMs} after it arrived. A message is acknowledged only after its row
 * is committed; while the database is unavailable the batch is retried with backoff and its messages stay
 * unacknowledged, so a broker redelivers them if this instance goes away. A notification the database refuses for its
 * data ({@link WriteErrors}) fails alone: the batch is split around it, it is refused, the rest is committed. Runs on
 * its verticle's event loop only.
 */
public final class SegmentBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentBatcher.class);
  /** The reason code of a notification the database refused for its data. */
  static final String UNSTORABLE = "unstorable";

  /** An accepted notification waiting to be written; {@code ack} acknowledges its MQTT message. */
  public record Pending(String cameraId, SegmentNotification notification, Runnable ack) {}

  /**
   * At most {@code maxSize} notifications per batch and {@code concurrency} batch writes in flight; a batch of less
   * than half of {@code maxSize} waits until its oldest notification is {@code lingerMs} old.
   */
  public record Limits(int maxSize, int concurrency, int lingerMs) {}

  /** Refuses a notification (tell the camera, count, acknowledge). */
  public interface Rejecter {
    void reject(Rejection rejection, Runnable ack);
  }

  private final Vertx vertx;
  private final TransientRetry retry;
  private final SegmentRepository segments;
  private final BatchCheck check;
  private final IngestMetrics metrics;
  private final Rejecter rejecter;
  private final int maxSize;
  private final int concurrency;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** When each queued notification arrived ({@link System#nanoTime()}), in the queue's order. */
  private final ArrayDeque<Long> arrived = new ArrayDeque<>();
  private final long lingerNanos;
  /** The timer that ends the current wait for a fuller batch, or -1. */
  private long lingerTimer = -1;
  private int writing;
  private boolean closed;

  /**
   * @param check the checks that need I/O (storage prefix, retention, object existence), run per batch before the
   *     write; notifications it refuses go to {@code rejecter}
   */
  public SegmentBatcher(Vertx vertx, SegmentRepository segments, BatchCheck check, IngestMetrics metrics,
      Rejecter rejecter, Limits limits) {
    this.vertx = vertx;
    this.retry = new TransientRetry(vertx, metrics, () -> closed);
    this.segments = segments;
    this.check = check;
    this.metrics = metrics;
    this.rejecter = rejecter;
    this.maxSize = limits.maxSize();
    this.concurrency = limits.concurrency();
    this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(limits.lingerMs());
  }

  public void add(Pending pending) {
    if (closed) return; // never acknowledged: the broker redelivers it
    queue.add(pending);
    arrived.add(System.nanoTime());
    metrics.queued(queue.size());
    writeNext();
  }

  /** Stops writing; whatever is not committed yet stays unacknowledged. */
  public void close() {
    closed = true;
    if (lingerTimer >= 0) vertx.cancelTimer(lingerTimer);
    queue.clear();
    arrived.clear();
  }

  private void writeNext() {
    while (writing < concurrency && !closed && !queue.isEmpty()) {
      if (queue.size() < maxSize / 2) {
        long left = lingerNanos - (System.nanoTime() - arrived.peek());
        if (left > 0) {
          if (lingerTimer < 0) {
            lingerTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), id -> {
              lingerTimer = -1;
              writeNext();
            });
          }
          return;
        }
      }
      writing++;
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxSize));
      while (!queue.isEmpty() && batch.size() < maxSize) {
        batch.add(queue.poll());
        arrived.poll();
      }
      metrics.queued(queue.size());
      write(batch).onComplete(x -> {
        writing--;
        writeNext(); // what arrived during the write is the next batch
      });
    }
  }

  /** Checks the batch, refuses what fails, and indexes the rest. */
  private Future<Void> write(List<Pending> batch) {
    return retry.run("check " + batch.size() + " notification(s)", () -> check.check(batch), failure -> true)
        .compose(outcome -> {
          outcome.refused().forEach(r -> rejecter.reject(r.rejection(), r.pending().ack()));
          return indexThenAcknowledge(outcome.accepted()).onComplete(x -> check.settled(outcome.accepted()));
        });
  }

  /**
   * The commit point: the rows are committed before any of their messages is acknowledged. A batch the database
   * refuses for its data is split until the offending notification stands alone and is refused (see
   * {@link #isolate}); a transient failure is retried with the messages unacknowledged.
   */
  private Future<Void> indexThenAcknowledge(List<Pending> batch) {
    if (batch.isEmpty()) return Future.succeededFuture();
    return index(batch).compose(inserted -> {
      acknowledge(batch);
      committed(batch.size(), inserted);
      return Future.succeededFuture();
    }, failure -> isolate(batch, failure));
  }

  /** Writes the rows (and their recordings, by the gap rule), retried while the failure is transient. */
  private Future<IndexedBatch> index(List<Pending> batch) {
    return retry.run("write " + batch.size() + " segment(s)", () -> segments.insertAndApplyGapRule(rows(batch)),
        failure -> WriteErrors.classify(failure) == WriteErrors.Kind.TRANSIENT);
  }

  /**
   * Bisects a batch the database refused for its data: each half is written (and split again if refused), in
   * order, so every good notification is committed and each offender ends up alone, where it is refused with the
   * database's reason and acknowledged. A lone duplicate-key refusal means the row is there: acknowledged as indexed.
   */
  private Future<Void> isolate(List<Pending> batch, Throwable failure) {
    WriteErrors.Kind kind = WriteErrors.classify(failure);
    if (kind == WriteErrors.Kind.TRANSIENT) return Future.failedFuture(failure); // closed while retrying
    if (batch.size() > 1) {
      int half = batch.size() / 2;
      return indexThenAcknowledge(batch.subList(0, half))
          .compose(x -> indexThenAcknowledge(batch.subList(half, batch.size())));
    }
    Pending p = batch.get(0);
    if (kind == WriteErrors.Kind.DUPLICATE) {
      acknowledge(batch);
      committed(/* written= */ 1, IndexedBatch.EMPTY);
    } else {
      LOG.warn("segment {} of {} cannot be stored: {}", p.notification().key(), p.cameraId(), failure.toString());
      rejecter.reject(new Rejection(p.cameraId(), p.notification().key(), UNSTORABLE,
          WriteErrors.describe(failure)), p.ack());
    }
    return Future.succeededFuture();
  }

  private static List<SegmentRow> rows(List<Pending> batch) {
    return batch.stream().map(p -> SegmentRow.of(p.cameraId(), p.notification())).toList();
  }

  private void acknowledge(List<Pending> committed) {
    committed.forEach(p -> p.ack().run());
    metrics.committed(committed.stream().mapToLong(p -> p.notification().deviceTime()));
  }

  private void committed(int written, IndexedBatch inserted) {
    int fresh = inserted.segments().size();
    metrics.batch(written);
    metrics.indexed(fresh);
    metrics.duplicates(written - fresh);
    if (fresh == 0) return;
    // the new segments themselves ride along with their restart marks and live numbers, so playlist instances move
    // their live windows without a query (a segment without numbers is a backfill: replay only)
    SegmentsIndexed event = new SegmentsIndexed(List.copyOf(inserted.newPerCamera().keySet()), inserted.segments());
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED, ClusterMessages.toJson(event));
  }
}
