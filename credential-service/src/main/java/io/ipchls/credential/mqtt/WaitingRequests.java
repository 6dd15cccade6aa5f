package io.ipchls.credential.mqtt;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * Credential requests sent at QoS 0 (what the SDK sends since a reconnect storm showed the cost of QoS 1 ones: each was
 * written to the broker's persistent shared queue, and HiveMQ CE scans that queue to remove each acknowledged one,
 * docs/PERFORMANCE.md "Credentials"), waiting for their turn. The broker does not pace QoS 0 messages by this
 * service's acknowledgements, so this does: at most {@code maxActive} are handled at once (each answer is then one
 * of at most that many in flight on the sessions, under the MQTT client's limit of unacknowledged publishes), the rest
 * wait in arrival order, one entry per camera: a camera that asks again while its request waits (its answer was late
 * and it repeated) replaces the waiting request with the newer one, since its SDK takes only the answer to its
 * newest request. Beyond {@code maxWaiting} cameras a request is dropped and counted; its camera asks again 10 s
 * later. QoS 1 requests (older SDKs, other clients) do not come here: the broker paces those. Confined to one
 * verticle's event loop.
 *
 * @param <R> a request
 */
final class WaitingRequests<R> {
  /** What became of an offered request. */
  enum Offer { STARTED, QUEUED, REPLACED, DROPPED }

  private final int maxActive;
  private final int maxWaiting;
  private final Function<R, Future<?>> handler;
  private final LinkedHashMap<String, R> waiting = new LinkedHashMap<>();
  private int active;
  private boolean draining;

  /** @param handler handles one request; the next waiting one starts when its future completes, either way */
  WaitingRequests(int maxActive, int maxWaiting, Function<R, Future<?>> handler) {
    if (maxActive < 1 || maxWaiting < 0) throw new IllegalArgumentException("maxActive >= 1, maxWaiting >= 0");
    this.maxActive = maxActive;
    this.maxWaiting = maxWaiting;
    this.handler = handler;
  }

  /** Handles {@code request} of {@code cameraId} now, or once a handled one completes. */
  Offer offer(String cameraId, R request) {
    if (active < maxActive && waiting.isEmpty()) {
      start(request);
      return Offer.STARTED;
    }
    if (waiting.containsKey(cameraId)) {
      waiting.put(cameraId, request); // keeps the camera's place, with its newest request
      return Offer.REPLACED;
    }
    if (waiting.size() >= maxWaiting) return Offer.DROPPED;
    waiting.put(cameraId, request);
    return Offer.QUEUED;
  }

  /** Forgets the waiting requests (the service stops: their cameras ask again elsewhere); returns how many. */
  int clear() {
    int n = waiting.size();
    waiting.clear();
    return n;
  }

  int active() {
    return active;
  }

  int waiting() {
    return waiting.size();
  }

  private void start(R request) {
    active++;
    Future<?> done;
    try {
      done = handler.apply(request);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(x -> {
      active--;
      next();
    });
  }

  /** Starts waiting requests while there is room; a request that completes at once does not recurse into this. */
  private void next() {
    if (draining) return;
    draining = true;
    try {
      while (active < maxActive && !waiting.isEmpty()) {
        Iterator<R> first = waiting.values().iterator();
        R request = first.next();
        first.remove();
        start(request);
      }
    } finally {
      draining = false;
    }
  }
}
