package io.ipchls.credential.mqtt;

import io.ipchls.credential.db.AuditRepository;
import io.ipchls.credential.db.Device;
import io.ipchls.credential.db.DeviceRepository;
import io.ipchls.credential.db.DeviceRepository.RequestLookup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The database side of credential requests as group commits, as {@code broker/LoginLookups} is for logins: the
 * bucket-and-camera read before issuance, the registry recheck after it and the audit row each take everything queued
 * meanwhile into one statement (at most {@link #MAX_BATCH}, {@link #IN_FLIGHT} statements of a kind at once). At low
 * load a request still costs a statement of its own for each; in a reconnect storm thousands share a few dozen,
 * instead of three statements and two commits each queueing for the pool. A camera whose bucket is being taken in a
 * statement in flight waits for the next one, so no two statements update the same bucket. Confined to one
 * verticle's event loop.
 */
final class RequestBatches {
  static final int IN_FLIGHT = 2;
  static final int MAX_BATCH = 1000;

  private record Take(String id, Promise<RequestLookup> done) {}

  private record Find(String id, Promise<Optional<Device>> done) {}

  private final DeviceRepository devices;
  private final AuditRepository audit;
  private final int burst;
  private final int refillSeconds;
  private final ArrayDeque<Take> takes = new ArrayDeque<>();
  private final Set<String> taking = new HashSet<>();
  private int takesInFlight;
  private final ArrayDeque<Find> finds = new ArrayDeque<>();
  private int findsInFlight;
  private final List<AuditRepository.Entry> audits = new ArrayList<>();
  private boolean auditing;

  RequestBatches(DeviceRepository devices, AuditRepository audit, int burst, int refillSeconds) {
    this.devices = devices;
    this.audit = audit;
    this.burst = burst;
    this.refillSeconds = refillSeconds;
  }

  /** Takes a token from the camera's shared bucket if it has one, and reads the camera. */
  Future<RequestLookup> take(String id) {
    Promise<RequestLookup> done = Promise.promise();
    takes.add(new Take(id, done));
    drainTakes();
    return done.future();
  }

  /** The camera as the registry has it now. */
  Future<Optional<Device>> find(String id) {
    Promise<Optional<Device>> done = Promise.promise();
    finds.add(new Find(id, done));
    drainFinds();
    return done.future();
  }

  /** Writes an audit entry with the others that arrive meanwhile; a failed write is logged, as a single one is. */
  void audit(String cameraId, String action, String outcome, String reason) {
    audits.add(new AuditRepository.Entry(cameraId, action, outcome, reason));
    if (!auditing) flushAudits();
  }

  private void drainTakes() {
    while (takesInFlight < IN_FLIGHT && !takes.isEmpty()) {
      List<Take> batch = new ArrayList<>(Math.min(takes.size(), MAX_BATCH));
      Set<String> ids = new HashSet<>();
      for (Iterator<Take> it = takes.iterator(); it.hasNext() && batch.size() < MAX_BATCH; ) {
        Take t = it.next();
        if (taking.contains(t.id()) || !ids.add(t.id())) continue;
        it.remove();
        batch.add(t);
      }
      if (batch.isEmpty()) return; // every queued camera is in a statement in flight: the next drain takes them
      taking.addAll(ids);
      takesInFlight++;
      devices.takeRequestTokens(batch.stream().map(Take::id).toList(), burst, refillSeconds).onComplete(ar -> {
        takesInFlight--;
        taking.removeAll(ids);
        for (int i = 0; i < batch.size(); i++) {
          if (ar.succeeded()) {
            batch.get(i).done().complete(ar.result().get(i));
          } else {
            batch.get(i).done().fail(ar.cause());
          }
        }
        drainTakes();
      });
    }
  }

  private void drainFinds() {
    while (findsInFlight < IN_FLIGHT && !finds.isEmpty()) {
      List<Find> batch = new ArrayList<>(Math.min(finds.size(), MAX_BATCH));
      while (!finds.isEmpty() && batch.size() < MAX_BATCH) batch.add(finds.poll());
      findsInFlight++;
      devices.findAll(batch.stream().map(Find::id).distinct().toList()).onComplete(ar -> {
        findsInFlight--;
        for (Find f : batch) {
          if (ar.succeeded()) {
            f.done().complete(Optional.ofNullable(ar.result().get(f.id())));
          } else {
            f.done().fail(ar.cause());
          }
        }
        drainFinds();
      });
    }
  }

  /** One statement at a time, however many entries piled up meanwhile. */
  private void flushAudits() {
    if (audits.isEmpty()) {
      auditing = false;
      return;
    }
    auditing = true;
    List<AuditRepository.Entry> head = audits.subList(0, Math.min(audits.size(), MAX_BATCH));
    List<AuditRepository.Entry> batch = new ArrayList<>(head);
    head.clear();
    audit.recordAll(batch).onComplete(ar -> flushAudits());
  }
}
