package io.ipchls.device.mqtt;

import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes segment notifications at QoS 1 from the {@link NotificationOutbox}, at most {@value #WINDOW} in flight,
 * and publishes again what a lost connection left unacknowledged (the ingest side is idempotent). Used on the agent's
 * Vert.x context, except {@link #handOver} and the counters, which any thread may call.
 */
final class NotificationPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationPublisher.class);
  /** Notifications published and not yet acknowledged, below vertx-mqtt's in-flight limit of 10. */
  static final int WINDOW = 8;
  /** Notifications kept for an unreachable broker; the oldest are dropped (counted) beyond it (≈ 300 B each). */
  static final int MAX_OUTBOX = 20_000;

  private final Vertx vertx;
  private final String cameraId;
  private final Supplier<MqttClient> client;
  private final BooleanSupplier connected;
  private final NotificationOutbox outbox;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong outboxSize = new AtomicLong();
  /** Notifications handed over whose {@link #add} has not run on the context yet. */
  private final AtomicLong handedOver = new AtomicLong();

  /**
   * @param client the agent's current client (a publish answered on an older one is ignored)
   * @param connected whether that client is connected
   * @param acknowledged receives the key of each notification the broker acknowledged
   */
  NotificationPublisher(Vertx vertx, String cameraId, Supplier<MqttClient> client, BooleanSupplier connected,
      Consumer<String> acknowledged) {
    this.vertx = vertx;
    this.cameraId = cameraId;
    this.client = client;
    this.connected = connected;
    this.outbox = new NotificationOutbox(WINDOW, MAX_OUTBOX, acknowledged);
  }

  /**
   * Counts a notification as pending at once, on the caller's thread, before its {@link #add} runs on the context:
   * a close that waits for the pending notifications must not miss one handed over a moment before.
   */
  void handOver() {
    handedOver.incrementAndGet();
  }

  /** Keeps {@code n} until the broker acknowledges it; publishes it as soon as the window and connection allow. */
  void add(SegmentNotification n) {
    handedOver.decrementAndGet();
    for (String key : outbox.add(n)) {
      dropped.incrementAndGet();
      LOG.warn("camera {}: notification outbox full, dropped the oldest ({})", cameraId, key);
    }
    outboxSize.set(outbox.size());
    pump();
  }

  /** Publishes outbox entries not in flight, oldest first, while the window has room. */
  void pump() {
    if (!connected.getAsBoolean()) return;
    MqttClient c = client.get();
    for (SegmentNotification n : outbox.takeSendable()) {
      c.publish(Topics.segments(cameraId), Buffer.buffer(Json.encode(n)), MqttQoS.AT_LEAST_ONCE,
              /* isDup= */ false, /* isRetain= */ false)
          .onSuccess(packetId -> {
            if (c == client.get()) outbox.sent(n.key(), packetId);
          })
          .onFailure(e -> {
            if (c == client.get()) outbox.notSent(n.key()); // stays in the outbox for the next try
          });
    }
  }

  /** PUBACK for {@code packetId}. */
  void acknowledged(int packetId) {
    outbox.acknowledged(packetId);
    outboxSize.set(outbox.size());
    pump();
  }

  /** No PUBACK for {@code packetId} in time: publish it again a moment later. */
  void unacknowledged(int packetId) {
    outbox.unacknowledged(packetId);
    vertx.setTimer(1_000, t -> pump());
  }

  /** A clean session: the broker forgot what was in flight; it is published again from the outbox. */
  void connectionLost() {
    outbox.connectionLost();
  }

  /** Notifications not acknowledged yet. */
  long pending() {
    return outboxSize.get() + handedOver.get();
  }

  /** Notifications dropped because the outbox overflowed. */
  long dropped() {
    return dropped.get();
  }
}
