package io.ipchls.playlist.live;

import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.kit.hls.HlsPlaylist;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live edge of every camera this instance serves, kept in memory and moved forward by ingest's "segments indexed"
 * events, so that a live playlist request costs no database query. A camera's window is loaded from the index the
 * first time it is asked for (one query for its newest segments and their sequence numbers); after that only events
 * move it, plus a catch-up query when no event came for {@code refreshMs} while viewers are watching (events lost
 * while this instance was cut off from the cluster cannot freeze a live view for long).
 */
public final class LiveWindows {
  private final SegmentRepository segments;
  private final int capacity;
  private final long refreshMs;
  private final Clock clock;
  private final Map<String, Future<LiveWindow>> windows = new ConcurrentHashMap<>();

  /**
   * @param capacity segments kept per camera (the live window size)
   * @param refreshMs after this long without an event for a watched camera, a request catches up from the index
   */
  public LiveWindows(SegmentRepository segments, int capacity, long refreshMs, Clock clock) {
    this.segments = segments;
    this.capacity = capacity;
    this.refreshMs = refreshMs;
    this.clock = clock;
  }

  /** The camera's live segments that started at or after {@code since}; 404 for a camera nobody registered. */
  public Future<LiveSnapshot> live(String cameraId, Instant since) {
    return window(cameraId).compose(w -> {
      long now = clock.millis();
      if (now - w.refreshedAtMs() < refreshMs) return Future.succeededFuture(w.since(since));
      w.refreshed(now);
      return catchUp(cameraId, w).map(x -> w.since(since));
    });
  }

  /** Segments ingest just committed for a camera; ignored for cameras nobody watches here yet. */
  public void indexed(String cameraId, List<Segment> newSegments) {
    Future<LiveWindow> f = windows.get(cameraId);
    if (f == null || !f.succeeded()) return;
    LiveWindow w = f.result();
    w.refreshed(clock.millis());
    w.appendAll(newSegments);
  }

  /** How many cameras have a window here. */
  public int size() {
    return windows.size();
  }

  private Future<Void> catchUp(String cameraId, LiveWindow w) {
    Segment last = w.last();
    Future<List<Segment>> newer = last == null
        ? segments.newest(cameraId, capacity)
        : segments.after(last, capacity);
    return newer.map(list -> {
      w.appendAll(list);
      return null;
    });
  }

  private Future<LiveWindow> window(String cameraId) {
    Future<LiveWindow> existing = windows.get(cameraId);
    if (existing != null && !existing.failed()) return existing;
    Future<LiveWindow> loading = windows.compute(cameraId, (id, f) -> f != null && !f.failed() ? f : load(id));
    return loading.onFailure(e -> windows.remove(cameraId, loading));
  }

  private Future<LiveWindow> load(String cameraId) {
    return segments.newest(cameraId, capacity).compose(newest -> {
      if (newest.isEmpty()) {
        return segments.cameraKnown(cameraId).compose(known -> known
            ? Future.succeededFuture(new LiveWindow(capacity, newest, 0, 0, clock.millis()))
            : Future.failedFuture(new ApiException(404, "unknown_camera", "unknown camera: " + cameraId)));
      }
      return segments.sequenceOf(newest.get(0), HlsPlaylist.CONTINUITY_TOLERANCE_MS).map(seq ->
          new LiveWindow(capacity, newest, seq.mediaSequence(), seq.discontinuitySequence(), clock.millis()));
    });
  }
}
