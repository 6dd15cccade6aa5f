package io.ipchls.credential.broker;

import io.ipchls.credential.db.DeviceRepository;
import io.ipchls.credential.db.DeviceRepository.LoginLookup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of uncached camera logins as a group commit: up to {@link #IN_FLIGHT} queries at once, and a free
 * one takes everything queued (at most {@link #MAX_BATCH}), so at low load a login costs one query of its own and in a
 * reconnect storm thousands of logins share a few dozen queries instead of queueing one by one for the pool (which
 * made most of them miss the broker's deadline). A login still queued at its deadline is dropped unread
 * ({@link TooLate}: its asker has given up). The cameras' {@code last_seen_at} is written the same way, one statement
 * per batch of accepted logins. Confined to one verticle's event loop.
 */
final class LoginLookups {
  private static final Logger LOG = LoggerFactory.getLogger(LoginLookups.class);
  static final int IN_FLIGHT = 2;
  static final int MAX_BATCH = 1000;

  private record Pending(String id, String idKey, String addressKey, long notAfterNanos, Promise<LoginLookup> done) {}

  private final DeviceRepository devices;
  private final int windowSeconds;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private final Set<String> seen = new LinkedHashSet<>();
  private boolean touching;

  LoginLookups(DeviceRepository devices, int windowSeconds) {
    this.devices = devices;
    this.windowSeconds = windowSeconds;
  }

  Future<LoginLookup> find(String id, String idKey, String addressKey, long notAfterNanos) {
    Promise<LoginLookup> done = Promise.promise();
    queue.add(new Pending(id, idKey, addressKey, notAfterNanos, done));
    drain();
    return done.future();
  }

  private void drain() {
    while (inFlight < IN_FLIGHT && !queue.isEmpty()) {
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
      long now = System.nanoTime();
      while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
        Pending p = queue.poll();
        if (now - p.notAfterNanos() > 0) {
          p.done().fail(new TooLate());
        } else {
          batch.add(p);
        }
      }
      if (batch.isEmpty()) continue;
      inFlight++;
      devices.findForLogins(batch.stream().map(Pending::id).toList(),
              batch.stream().map(Pending::idKey).toList(), batch.stream().map(Pending::addressKey).toList(),
              windowSeconds)
          .onComplete(ar -> {
            inFlight--;
            for (int i = 0; i < batch.size(); i++) {
              if (ar.succeeded()) {
                batch.get(i).done().complete(ar.result().get(i));
              } else {
                batch.get(i).done().fail(ar.cause());
              }
            }
            drain();
          });
    }
  }

  /** Notes an accepted login; {@code last_seen_at} is written with the others that arrive meanwhile. */
  void touch(String id) {
    seen.add(id);
    if (!touching) flushTouches();
  }

  private void flushTouches() {
    if (seen.isEmpty()) {
      touching = false;
      return;
    }
    touching = true;
    List<String> ids = new ArrayList<>(seen);
    seen.clear();
    devices.touchAll(ids).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("last_seen_at of {} cameras not updated: {}", ids.size(), ar.cause().getMessage());
      }
      flushTouches();
    });
  }

  /** A login dropped because it waited past its deadline for the database. */
  static final class TooLate extends RuntimeException {
    TooLate() {
      super("login waited too long for the database", null, /* enableSuppression= */ false,
          /* writableStackTrace= */ false);
    }
  }
}
