package io.ipchls.playlist.live;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.live.LiveSegment;
import io.ipchls.kit.live.LiveWindowState;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.db.SegmentRepository;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live edge of every camera, kept in the cluster map (see {@link WindowStore}) and moved forward by ingest's
 * "segments indexed" events, so that a live playlist request costs no database query and every playlist instance
 * answers with the same sequence numbers. The numbers are ingest's: it numbers each live segment once, when it indexes
 * it, and the events and the index carry them, so a window loaded again (after an eviction, a restart of every
 * instance, a member's death or retention deleting rows) continues them. A camera's window is loaded from the index
 * the first time any instance is asked for it (its live counters and newest numbered segments) and stored in the map
 * unless another instance stored one first. Each instance mirrors the windows it serves (a request reads the
 * mirror: no network hop) and applies every event to those windows in the map through an entry processor, taking
 * the resulting window as its new mirror; applying an event twice (two instances) changes nothing. A window that
 * heard no event for {@code refreshMs} while watched is read again from the map and, if still stale, caught up with
 * one query, so events lost while an instance was cut off cannot freeze a live view. Mirrors not asked for in
 * {@value #MIRROR_IDLE_MS} ms are dropped (the instance then stops updating them; the map forgets windows nobody
 * touched for an hour).
 */
public final class LiveWindows {
  static final long MIRROR_IDLE_MS = 600_000;

  private final SegmentRepository segments;
  private final WindowStore store;
  private final int capacity;
  private final long refreshMs;
  private final Clock clock;
  private final Map<String, Mirror> mirrors = new ConcurrentHashMap<>();
  private final Map<String, Future<LiveWindowState>> loading = new ConcurrentHashMap<>();

  /** This instance's copy of one window; {@code requestedAtMs} says whether anyone still watches it here. */
  private static final class Mirror {
    volatile LiveWindowState state;
    volatile long requestedAtMs;

    Mirror(LiveWindowState state, long now) {
      this.state = state;
      this.requestedAtMs = now;
    }

    synchronized void offer(LiveWindowState next) {
      if (next.version() > state.version()) state = next;
    }
  }

  /**
   * @param capacity segments kept per camera (the live window size)
   * @param refreshMs after this long without an event for a watched camera, a request catches up
   */
  LiveWindows(SegmentRepository segments, WindowStore store, int capacity, long refreshMs, Clock clock) {
    this.segments = segments;
    this.store = store;
    this.capacity = capacity;
    this.refreshMs = refreshMs;
    this.clock = clock;
  }

  /** Windows in the cluster map when Vert.x is clustered, else in memory. */
  public static LiveWindows create(io.vertx.core.Vertx vertx, SegmentRepository segments, int capacity,
      long refreshMs, Clock clock) {
    return new LiveWindows(segments, WindowStore.create(vertx, vertx.getOrCreateContext()), capacity, refreshMs,
        clock);
  }

  /** The camera's live segments that started at or after {@code since}; 404 for a camera nobody registered. */
  public Future<LiveSnapshot> live(String cameraId, Instant since) {
    long now = clock.millis();
    Mirror m = mirrors.get(cameraId);
    if (m == null) return loadOnce(cameraId).map(w -> snapshot(cameraId, w, since));
    m.requestedAtMs = now;
    LiveWindowState w = m.state;
    if (now - w.refreshedAtMs() < refreshMs) return Future.succeededFuture(snapshot(cameraId, w, since));
    return loadOnce(cameraId).map(fresh -> snapshot(cameraId, fresh, since));
  }

  /** Segments ingest just committed for a camera, with their live numbers; ignored for cameras nobody watches here. */
  public void indexed(String cameraId, List<LiveSegment> newSegments) {
    Mirror m = mirrors.get(cameraId);
    if (m == null) return;
    // the answer is handled on the store's thread: only the (thread-safe) mirror changes, no event loop is involved
    store.appendAnywhere(cameraId, newSegments, clock.millis()).thenAccept(next -> {
      if (next == null) mirrors.remove(cameraId, m); // gone from the map: the next request loads it again
      else m.offer(next);
    });
  }

  /** How many cameras this instance mirrors. */
  public int size() {
    return mirrors.size();
  }

  /** Drops the mirrors nobody asked for lately (called periodically). */
  public void evictIdle() {
    long now = clock.millis();
    mirrors.entrySet().removeIf(e -> now - e.getValue().requestedAtMs > MIRROR_IDLE_MS);
  }

  /** One load (or refresh) per camera at a time, however many requests wait for it. */
  private Future<LiveWindowState> loadOnce(String cameraId) {
    Future<LiveWindowState> running = loading.get(cameraId);
    if (running != null) return running;
    Future<LiveWindowState> f = fetch(cameraId).onSuccess(w -> {
      Mirror m = mirrors.get(cameraId);
      if (m == null) mirrors.put(cameraId, new Mirror(w, clock.millis()));
      else m.offer(w);
    });
    loading.put(cameraId, f);
    f.onComplete(x -> loading.remove(cameraId, f));
    return f;
  }

  /** The map's window, caught up from the index when it is stale; loaded from the index when there is none. */
  private Future<LiveWindowState> fetch(String cameraId) {
    return store.get(cameraId).compose(w -> {
      if (w == null) return loadFromIndex(cameraId).compose(loaded -> store.initIfAbsent(cameraId, loaded));
      if (clock.millis() - w.refreshedAtMs() < refreshMs) return Future.succeededFuture(w);
      return catchUp(cameraId, w);
    });
  }

  /** The window's newest live segments from the index: from its next number on (a hole left behind is skipped). */
  private Future<LiveWindowState> catchUp(String cameraId, LiveWindowState w) {
    return segments.liveNewest(cameraId, capacity, w.nextSequence())
        .compose(list -> store.append(cameraId, toLive(list), clock.millis()))
        .compose(next -> next != null ? Future.succeededFuture(next) : fetch(cameraId));
  }

  /**
   * The camera's newest live segments with the numbers ingest gave them; the counters first, so a segment committed
   * between the two reads is among the rows (an empty window then starts at the counters' next number).
   */
  private Future<LiveWindowState> loadFromIndex(String cameraId) {
    return segments.liveCounters(cameraId).compose(counters -> segments.liveNewest(cameraId, capacity, 0)
        .compose(newest -> {
          if (!newest.isEmpty() || counters != null) {
            long next = counters == null ? 0 : counters.nextMediaSequence();
            long disc = counters == null ? 0 : counters.lastDiscontinuitySequence();
            int target = counters == null ? 0 : counters.targetSeconds();
            return Future.succeededFuture(LiveWindowState.of(capacity, toLive(newest), next, disc, target,
                clock.millis()));
          }
          return segments.cameraKnown(cameraId).compose(known -> known
              ? Future.succeededFuture(LiveWindowState.of(capacity, List.of(), /* nextSequence= */ 0,
                  /* lastDiscontinuity= */ 0, clock.millis()))
              : Future.failedFuture(new ApiException(404, "unknown_camera", "unknown camera: " + cameraId)));
        }));
  }

  private static List<LiveSegment> toLive(List<SegmentRepository.LiveRow> list) {
    List<LiveSegment> out = new ArrayList<>(list.size());
    for (SegmentRepository.LiveRow r : list) {
      Segment s = r.segment();
      out.add(new LiveSegment(s.start().toEpochMilli(), s.durationMs(), s.objectKey(), s.restart(), r.mediaSequence(),
          r.discontinuitySequence(), s.initKey()));
    }
    return out;
  }

  /**
   * The window's segments from the first that started at or after {@code since} on, with its numbers; an empty
   * playlist when none did, numbered after the camera's last live segment.
   */
  static LiveSnapshot snapshot(String camera, LiveWindowState w, Instant since) {
    List<LiveSegment> all = w.segments();
    long sinceMs = since.toEpochMilli();
    int first = 0;
    while (first < all.size() && all.get(first).startMs() < sinceMs) first++;
    if (first == all.size()) {
      return new LiveSnapshot(w.nextSequence(), w.lastDiscontinuity(), List.of(), w.targetSeconds());
    }
    List<Segment> listed = new ArrayList<>(all.size() - first);
    for (LiveSegment s : all.subList(first, all.size())) {
      listed.add(new Segment(camera, Instant.ofEpochMilli(s.startMs()), s.durationMs(), s.key(), s.restart(),
          s.init()));
    }
    return new LiveSnapshot(all.get(first).mediaSequence(), all.get(first).discontinuitySequence(), listed,
        w.targetSeconds());
  }
}
