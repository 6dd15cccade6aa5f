package io.ipchls.credential.ops;

import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.config.MqttConfig;
import io.ipchls.kit.mqtt.ManagedMqttClient;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.OnlineCamera;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the cameras' status messages through the shared subscription {@value #SHARED_STATUS} (its own group, so it
 * neither competes with nor duplicates any other subscriber of {@code cameras/+/status}; instances of
 * credential-service split the messages): an online camera's last status goes into the cluster map
 * {@link ClusterNames#CAMERAS_ONLINE} with a TTL of {@value #ONLINE_TTL_MS} ms (a camera repeats it every minute), an
 * offline one is removed, so the map's size is the number of cameras online. The counters a camera reports (segments
 * uploaded and dropped since it started) are turned into Prometheus counters by their growth since the camera's
 * previous status ({@code camera_segments_uploaded_total}, {@code camera_segments_dropped_total}; a camera that
 * restarted counts from zero again). A malformed status is logged, counted ({@code camera_status_rejected_total}) and
 * dropped.
 */
public final class CameraStatusVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CameraStatusVerticle.class);
  public static final String SHARED_STATUS = "$share/ops/cameras/+/status";
  static final long ONLINE_TTL_MS = 5 * 60_000;

  private final MqttConfig mqttConfig;
  private final MeterRegistry meters;
  private final Counter uploaded;
  private final Counter dropped;
  private ManagedMqttClient mqtt;

  public CameraStatusVerticle(MqttConfig mqttConfig, MeterRegistry meters) {
    this.mqttConfig = mqttConfig;
    this.meters = meters;
    this.uploaded = Counter.builder("camera.segments.uploaded")
        .description("segments the cameras report as stored (from their status messages)").register(meters);
    this.dropped = Counter.builder("camera.segments.dropped")
        .description("segments the cameras report as lost (from their status messages)").register(meters);
  }

  @Override
  public Future<?> start() {
    mqtt = new ManagedMqttClient(vertx, mqttConfig, "credential-ops-" + UUID.randomUUID(), /* cleanSession= */ true,
            /* autoAck= */ true)
        .subscribe(SHARED_STATUS, 1)
        .messageHandler(this::onStatus);
    return mqtt.startWithRetry();
  }

  @Override
  public Future<?> stop() {
    return mqtt.close();
  }

  public boolean isConnected() {
    return mqtt != null && mqtt.isConnected();
  }

  void onStatus(MqttPublishMessage message) {
    var topic = Topics.parse(message.topicName()).filter(t -> t.kind() == Topics.Kind.STATUS);
    if (topic.isEmpty()) {
      reject("topic", message.topicName(), "not a camera status topic");
      return;
    }
    String camera = topic.get().cameraId();
    CameraStatus status;
    try {
      status = Json.decode(message.payload().getBytes(), CameraStatus.class);
      if (!CameraStatus.ONLINE.equals(status.state()) && !CameraStatus.OFFLINE.equals(status.state())) {
        throw new ProtocolException("unknown state " + status.state());
      }
      if (negative(status.uploaded()) || negative(status.dropped())) throw new ProtocolException("negative counter");
    } catch (ProtocolException e) {
      reject("malformed", camera, e.getMessage());
      return;
    }
    meters.counter("camera.status.received", "state", status.state()).increment();
    map().compose(m -> m.get(camera).compose(previous -> {
      count(previous, status);
      if (CameraStatus.OFFLINE.equals(status.state())) return m.remove(camera).mapEmpty();
      JsonObject entry = ClusterMessages.toJson(OnlineCamera.of(status, System.currentTimeMillis()));
      return m.put(camera, entry, ONLINE_TTL_MS);
    })).onFailure(e -> LOG.warn("camera {}: status not recorded: {}", camera, e.getMessage()));
  }

  /** Adds what the camera's counters grew by since its last status (all of them after a restart: they reset). */
  private void count(JsonObject previousEntry, CameraStatus now) {
    OnlineCamera previous = previousEntry == null ? null : readEntry(previousEntry);
    uploaded.increment(growth(previous == null ? null : previous.uploaded(), now.uploaded()));
    dropped.increment(growth(previous == null ? null : previous.dropped(), now.dropped()));
  }

  /** The map's entry, or null (counted from zero, as after a restart) when it cannot be read. */
  private static OnlineCamera readEntry(JsonObject entry) {
    try {
      return ClusterMessages.fromJson(entry, OnlineCamera.class);
    } catch (ProtocolException e) {
      LOG.warn("unreadable {} entry, counting from zero: {}", ClusterNames.CAMERAS_ONLINE, e.getMessage());
      return null;
    }
  }

  static long growth(Long before, Long now) {
    if (now == null) return 0;
    if (before == null || now < before) return now;
    return now - before;
  }

  private static boolean negative(Long n) {
    return n != null && n < 0;
  }

  private void reject(String reason, String what, String detail) {
    meters.counter("camera.status.rejected", "reason", reason).increment();
    LOG.warn("camera status from {} rejected ({}): {}", what, reason, detail);
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(ClusterNames.CAMERAS_ONLINE);
  }
}
