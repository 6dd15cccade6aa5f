package io.ipchls.playlist.live;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.live.LiveSegment;
import io.ipchls.kit.live.LiveWindowState;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.kit.hls.HlsPlaylist;
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
 * answers with the same sequence numbers. A camera's window is loaded from the index the first time any instance is
 * asked for it (one query for its newest segments and their sequence numbers) and stored in the map unless another
 * instance stored one first. Each instance mirrors the windows it serves (a request reads the mirror: no network hop)
 * and applies every event to those windows in the map through an entry processor, taking the resulting window as its
 * new mirror; applying an event twice (two instances) changes nothing. A window that heard no event for
 * {@code refreshMs} while watched is read again from the map and, if still stale, caught up with one query, so events
 * lost while an instance was cut off cannot freeze a live view. Mirrors not asked for in {@value #MIRROR_IDLE_MS} ms
 * are dropped (the instance then stops updating them; the map forgets windows nobody touched for an hour).
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

  /** Segments ingest just committed for a camera; ignored for cameras nobody watches here. */
  public void indexed(String cameraId, List<Segment> newSegments) {
    Mirror m = mirrors.get(cameraId);
    if (m == null) return;
    // the answer is handled on the store's thread: only the (thread-safe) mirror changes, no event loop is involved
    store.appendAnywhere(cameraId, toLive(newSegments), clock.millis()).thenAccept(next -> {
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

  private Future<LiveWindowState> catchUp(String cameraId, LiveWindowState w) {
    LiveSegment last = w.last();
    Future<List<Segment>> newer = last == null
        ? segments.newest(cameraId, capacity)
        : segments.after(new Segment(cameraId, Instant.ofEpochMilli(last.startMs()), last.durationMs(), last.key()),
            capacity);
    return newer.compose(list -> store.append(cameraId, toLive(list), clock.millis()))
        .compose(next -> next != null ? Future.succeededFuture(next) : fetch(cameraId));
  }

  private Future<LiveWindowState> loadFromIndex(String cameraId) {
    return segments.newest(cameraId, capacity).compose(newest -> {
      if (newest.isEmpty()) {
        return segments.cameraKnown(cameraId).compose(known -> known
            ? Future.succeededFuture(LiveWindowState.of(capacity, List.of(), 0, 0, clock.millis()))
            : Future.failedFuture(new ApiException(404, "unknown_camera", "unknown camera: " + cameraId)));
      }
      return segments.sequenceOf(newest.get(0), HlsPlaylist.CONTINUITY_TOLERANCE_MS).map(seq ->
          LiveWindowState.of(capacity, toLive(newest), seq.mediaSequence(), seq.discontinuitySequence(),
              clock.millis()));
    });
  }

  private static List<LiveSegment> toLive(List<Segment> list) {
    List<LiveSegment> out = new ArrayList<>(list.size());
    for (Segment s : list) {
      out.add(new LiveSegment(s.start().toEpochMilli(), s.durationMs(), s.objectKey(), s.restart()));
    }
    return out;
  }

  /** The window's segments that started at or after {@code since}, with their sequence numbers. */
  static LiveSnapshot snapshot(String camera, LiveWindowState w, Instant since) {
    List<Segment> listed = new ArrayList<>(w.segments().size());
    long sinceMs = since.toEpochMilli();
    long seq = w.firstSequence();
    long disc = w.firstDiscontinuity();
    LiveSegment previous = null;
    for (LiveSegment s : w.segments()) {
      if (s.startMs() < sinceMs) {
        seq++;
        if (previous != null && !LiveWindowState.continues(previous, s)) disc++;
        previous = s;
        continue;
      }
      if (listed.isEmpty() && previous != null && !LiveWindowState.continues(previous, s)) disc++;
      listed.add(new Segment(camera, Instant.ofEpochMilli(s.startMs()), s.durationMs(), s.key(), s.restart()));
    }
    return new LiveSnapshot(seq, disc, listed);
  }
}
