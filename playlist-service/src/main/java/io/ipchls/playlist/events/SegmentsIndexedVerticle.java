package io.ipchls.playlist.events;

import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.ClusterNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows ingest's "segments indexed" announcements and remembers, per camera, when it last had new segments. Nothing
 * depends on it for correctness yet; it is where a live-playlist cache will learn to invalidate.
 */
public final class SegmentsIndexedVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentsIndexedVerticle.class);

  private final Map<String, Instant> lastIndexed = new ConcurrentHashMap<>();
  private final Clock clock;
  private MessageConsumer<Object> consumer;

  public SegmentsIndexedVerticle(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(ClusterNames.SEGMENTS_INDEXED, this::onIndexed);
    return consumer.completion();
  }

  /** Body {@code {cameras: [id...]}}; anything else is logged and dropped. */
  private void onIndexed(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body) || !(body.getValue("cameras") instanceof JsonArray cameras)) {
      LOG.debug("ignoring malformed {} message: {}", ClusterNames.SEGMENTS_INDEXED, message.body());
      return;
    }
    Instant now = clock.instant();
    for (Object id : cameras) {
      if (id instanceof String camera && CameraIds.isValid(camera)) lastIndexed.put(camera, now);
    }
    LOG.debug("segments indexed for {}", cameras);
  }

  /** When ingest last announced new segments for the camera, if ever since this verticle started. */
  public Optional<Instant> lastIndexed(String cameraId) {
    return Optional.ofNullable(lastIndexed.get(cameraId));
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
