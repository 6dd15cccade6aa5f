package io.ipchls.ingest.mqtt;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.db.SegmentRepository;
import io.ipchls.ingest.db.SegmentRow;
import io.ipchls.ingest.db.StoragePrefixes;
import io.ipchls.ingest.mqtt.NotificationCheck.Rejection;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects accepted notifications and writes them in batches (up to {@code maxSize}, or whatever arrived within
 * {@code delayMs}), one write at a time. A message is acknowledged only after its row is committed; while the
 * database is unavailable the batch is retried with backoff and its messages stay unacknowledged, so a broker
 * redelivers them if this instance goes away. Runs on its verticle's event loop only.
 */
public final class SegmentBatcher {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentBatcher.class);
  private static final long FIRST_RETRY_MS = 100;
  private static final long MAX_RETRY_MS = 5_000;

  /** An accepted notification waiting to be written; {@code ack} acknowledges its MQTT message. */
  public record Pending(String cameraId, SegmentNotification notification, Runnable ack) {}

  /** Refuses a notification (tell the camera, count, acknowledge). */
  public interface Rejecter {
    void reject(Rejection rejection, Runnable ack);
  }

  private final Vertx vertx;
  private final SegmentRepository segments;
  private final StoragePrefixes prefixes;
  private final IngestMetrics metrics;
  private final Rejecter rejecter;
  private final int maxSize;
  private final long delayMs;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean writing;
  private long timerId = -1;
  private boolean closed;

  public SegmentBatcher(Vertx vertx, SegmentRepository segments, StoragePrefixes prefixes, IngestMetrics metrics,
      Rejecter rejecter, int maxSize, long delayMs) {
    this.vertx = vertx;
    this.segments = segments;
    this.prefixes = prefixes;
    this.metrics = metrics;
    this.rejecter = rejecter;
    this.maxSize = maxSize;
    this.delayMs = delayMs;
  }

  public void add(Pending pending) {
    if (closed) return; // never acknowledged: the broker redelivers it
    queue.add(pending);
    if (writing) return; // the running write picks it up when it ends
    if (queue.size() >= maxSize || delayMs == 0) {
      writeNext();
    } else if (timerId < 0) {
      timerId = vertx.setTimer(delayMs, t -> {
        timerId = -1;
        writeNext();
      });
    }
  }

  /** Stops writing; whatever is not committed yet stays unacknowledged. */
  public void close() {
    closed = true;
    if (timerId >= 0) vertx.cancelTimer(timerId);
    queue.clear();
  }

  private void writeNext() {
    if (writing || closed || queue.isEmpty()) return;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    writing = true;
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxSize));
    while (!queue.isEmpty() && batch.size() < maxSize) batch.add(queue.poll());
    write(batch).onComplete(x -> {
      writing = false;
      writeNext(); // what arrived during the write is already a batch
    });
  }

  private Future<Void> write(List<Pending> batch) {
    Set<String> cameras = new LinkedHashSet<>();
    batch.forEach(p -> cameras.add(p.cameraId()));
    return retrying("read storage prefixes", () -> prefixes.prefixesOf(cameras))
        .compose(prefixOf -> {
          List<Pending> accepted = keepUnderPrefix(batch, prefixOf);
          List<SegmentRow> rows = accepted.stream().map(p -> SegmentRow.of(p.cameraId(), p.notification())).toList();
          return retrying("write " + rows.size() + " segment(s)", () -> segments.insertAll(rows))
              .map(inserted -> {
                accepted.forEach(p -> p.ack().run());
                committed(accepted.size(), inserted);
                return null;
              });
        });
  }

  private List<Pending> keepUnderPrefix(List<Pending> batch, Map<String, String> prefixOf) {
    List<Pending> accepted = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      String prefix = prefixOf.getOrDefault(p.cameraId(), p.cameraId());
      String key = p.notification().key();
      if (ObjectKeys.isUnder(key, prefix)) {
        accepted.add(p);
      } else {
        rejecter.reject(new Rejection(p.cameraId(), key, "key_outside_prefix",
            "key is not under the camera's storage prefix " + prefix + "/"), p.ack());
      }
    }
    return accepted;
  }

  private void committed(int written, Map<String, Integer> inserted) {
    int fresh = inserted.values().stream().mapToInt(Integer::intValue).sum();
    metrics.batch(written);
    metrics.indexed(fresh);
    metrics.duplicates(written - fresh);
    if (inserted.isEmpty()) return;
    JsonArray cameras = new JsonArray(List.copyOf(inserted.keySet()));
    vertx.eventBus().publish(ClusterNames.SEGMENTS_INDEXED, new JsonObject().put("cameras", cameras));
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
