package io.ipchls.playlist.events;

import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.live.LiveSegment;
import io.ipchls.playlist.live.LiveWindows;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows ingest's "segments indexed" announcements (published to every playlist instance in the cluster) and moves
 * the live windows forward. Body: {@link SegmentsIndexed}; only the segments matter here, and only those with
 * live numbers (a backfill has none). A malformed message, or an
 * incomplete entry in one, is counted and skipped (a window that misses segments catches up from
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
    SegmentsIndexed event;
    try {
      event = ClusterMessages.fromJson(message.body(), SegmentsIndexed.class);
    } catch (ProtocolException e) {
      malformed.incrementAndGet();
      LOG.warn("ignoring malformed {} message: {}", ClusterNames.SEGMENTS_INDEXED, e.getMessage());
      return;
    }
    Map<String, List<LiveSegment>> byCamera = new HashMap<>();
    for (SegmentsIndexed.Entry e : event.segments()) {
      if (e == null || !e.isComplete()) {
        malformed.incrementAndGet();
        continue;
      }
      if (!e.isNumbered()) continue; // a backfill: replay material, never live
      byCamera.computeIfAbsent(e.cameraId(), k -> new ArrayList<>()).add(new LiveSegment(e.start(), e.durationMs(),
          e.key(), e.startsRun(), e.mediaSequence(), e.discontinuitySequence(), e.init(),
          e.targetSeconds() == null ? 0 : e.targetSeconds()));
    }
    byCamera.forEach(windows::indexed);
  }
}
