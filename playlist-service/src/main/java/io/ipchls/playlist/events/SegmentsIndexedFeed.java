package io.ipchls.playlist.events;

import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.live.LiveWindows;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows ingest's "segments indexed" announcements (published to every playlist instance in the cluster) and moves
 * the live windows forward. Body: {@code {cameras: [id...], segments: [{cameraId, start, durationMs, key}...]}}; only
 * the segments matter here. Malformed parts are counted and skipped (a window that misses segments catches up from
 * the index after {@code liveRefreshSeconds}). A verticle of its own, so that parsing the events and handing them to
 * the cluster map runs on another event loop than the playlist requests.
 */
public final class SegmentsIndexedFeed extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentsIndexedFeed.class);

  private final LiveWindows windows;
  private final AtomicLong malformed = new AtomicLong();
  private MessageConsumer<Object> consumer;

  public SegmentsIndexedFeed(LiveWindows windows) {
    this.windows = windows;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(ClusterNames.SEGMENTS_INDEXED, this::onIndexed);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Messages (or parts of messages) that were not understood. */
  public long malformed() {
    return malformed.get();
  }

  void onIndexed(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body) || !(body.getValue("segments") instanceof JsonArray segments)) {
      malformed.incrementAndGet();
      LOG.warn("ignoring malformed {} message", ClusterNames.SEGMENTS_INDEXED);
      return;
    }
    Map<String, List<Segment>> byCamera = new HashMap<>();
    for (Object o : segments) {
      Segment s = o instanceof JsonObject j ? parse(j) : null;
      if (s == null) {
        malformed.incrementAndGet();
        continue;
      }
      byCamera.computeIfAbsent(s.cameraId(), k -> new ArrayList<>()).add(s);
    }
    byCamera.forEach((camera, list) -> {
      list.sort((a, b) -> a.isAfter(b) ? 1 : b.isAfter(a) ? -1 : 0);
      windows.indexed(camera, list);
    });
  }

  private static Segment parse(JsonObject j) {
    try {
      String camera = j.getString("cameraId");
      String key = j.getString("key");
      Long start = j.getLong("start");
      Integer duration = j.getInteger("durationMs");
      if (camera == null || !CameraIds.isValid(camera) || key == null || key.isEmpty() || start == null
          || duration == null || duration <= 0) {
        return null;
      }
      return new Segment(camera, Instant.ofEpochMilli(start), duration, key);
    } catch (ClassCastException e) {
      return null;
    }
  }
}
