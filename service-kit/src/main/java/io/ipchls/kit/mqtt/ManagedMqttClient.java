package io.ipchls.kit.mqtt;

import io.ipchls.kit.config.MqttConfig;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's link to the broker. The Vert.x MQTT client neither reconnects nor resubscribes by itself: this wrapper
 * does both, with exponential backoff (250 ms doubling to 10 s), and reports whether it is connected for health checks.
 * Incoming messages go to one handler; with {@code autoAck=false} the handler must call
 * {@link MqttPublishMessage#ack()} once the message is safely handled.
 */
public final class ManagedMqttClient {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedMqttClient.class);
  private static final long MAX_BACKOFF_MS = 10_000;
  /** vertx-mqtt may report a PUBACK before the publish's packet id: such acknowledgements are kept this long. */
  private static final long EARLY_ACK_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Vertx vertx;
  private final MqttConfig cfg;
  private final MqttClientOptions options;
  private final Map<String, Integer> subscriptions = new LinkedHashMap<>();
  private Handler<MqttPublishMessage> handler = m -> {};
  private MqttClient client;
  private boolean closed;
  private long backoffMs = 250;
  private final Map<Integer, Promise<Void>> awaitingAck = new HashMap<>();
  private final Map<Integer, Long> earlyAcks = new HashMap<>();

  public ManagedMqttClient(Vertx vertx, MqttConfig cfg, String clientId, boolean cleanSession, boolean autoAck) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.options = new MqttClientOptions()
        .setClientId(clientId)
        .setUsername(cfg.username())
        .setPassword(cfg.password())
        .setCleanSession(cleanSession)
        .setKeepAliveInterval(30)
        .setMaxInflightQueue(1000)
        .setMaxMessageSize(64 * 1024)
        .setSsl(cfg.ssl());
    // Vert.x checks the certificate chain but not the host name unless an algorithm is set (its default is "").
    this.options.setHostnameVerificationAlgorithm(cfg.ssl() ? "HTTPS" : "");
    this.options.setAutoAck(autoAck);
  }

  /** Must be set before {@link #start()}. */
  public ManagedMqttClient subscribe(String topicFilter, int qos) {
    subscriptions.put(topicFilter, qos);
    return this;
  }

  public ManagedMqttClient messageHandler(Handler<MqttPublishMessage> handler) {
    this.handler = handler;
    return this;
  }

  /** Completes once connected and subscribed the first time; afterwards reconnects by itself. */
  public Future<Void> start() {
    return connect();
  }

  public boolean isConnected() {
    return client != null && client.isConnected();
  }

  public Future<Integer> publish(String topic, byte[] payload, int qos, boolean retain) {
    if (!isConnected()) return Future.failedFuture("MQTT not connected");
    return client.publish(topic, Buffer.buffer(payload), MqttQoS.valueOf(qos), false, retain);
  }

  /**
   * Publishes with QoS 1 and completes only when the broker has acknowledged the message (PUBACK), so the caller may
   * then forget it; fails when the connection is lost first (the caller publishes again: at least once).
   */
  public Future<Void> publishAcked(String topic, byte[] payload) {
    if (!isConnected()) return Future.failedFuture("MQTT not connected");
    return client.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, /* isDup= */ false,
        /* isRetain= */ false).compose(packetId -> {
      Long early = earlyAcks.remove(packetId);
      if (early != null && System.nanoTime() - early < EARLY_ACK_NANOS) return Future.succeededFuture();
      Promise<Void> acked = Promise.promise();
      awaitingAck.put(packetId, acked);
      return acked.future();
    });
  }

  private void onPublishAcked(int packetId) {
    Promise<Void> p = awaitingAck.remove(packetId);
    if (p != null) {
      p.complete();
      return;
    }
    long now = System.nanoTime();
    earlyAcks.values().removeIf(t -> now - t > EARLY_ACK_NANOS);
    earlyAcks.put(packetId, now);
  }

  private void failUnacknowledged(String why) {
    var waiting = new ArrayList<>(awaitingAck.values());
    awaitingAck.clear();
    earlyAcks.clear();
    waiting.forEach(p -> p.tryFail(why));
  }

  private Future<Void> connect() {
    client = MqttClient.create(vertx, options);
    client.publishHandler(m -> handler.handle(m));
    client.publishCompletionHandler(this::onPublishAcked);
    MqttClient c = client;
    return c.connect(cfg.port(), cfg.host())
        .compose(ack -> subscribeAll(c))
        .onSuccess(v -> {
          backoffMs = 250;
          LOG.info("MQTT {} connected to {}:{}", options.getClientId(), cfg.host(), cfg.port());
          c.closeHandler(x -> onClosed());
        })
        .onFailure(e -> {
          LOG.warn("MQTT {} connect failed: {}", options.getClientId(), e.getMessage());
          c.disconnect();
        });
  }

  private Future<Void> subscribeAll(MqttClient c) {
    if (subscriptions.isEmpty()) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    c.subscribeCompletionHandler(ack -> {
      if (ack.grantedQoSLevels().contains(0x80)) {
        p.tryFail("subscription refused by broker: " + subscriptions.keySet());
      } else {
        p.tryComplete();
      }
    });
    c.subscribe(subscriptions).onFailure(p::tryFail);
    return p.future();
  }

  private void onClosed() {
    failUnacknowledged("MQTT connection lost before the broker acknowledged");
    if (closed) return;
    LOG.warn("MQTT {} connection lost; reconnecting", options.getClientId());
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, t -> {
      if (!closed) connect().onFailure(e -> scheduleReconnect());
    });
  }

  /** Connects, retrying until it succeeds (used at start-up when the broker may still be starting). */
  public Future<Void> startWithRetry() {
    return start().recover(e -> {
      if (closed) return Future.failedFuture(e);
      Promise<Void> p = Promise.promise();
      long delay = backoffMs;
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      vertx.setTimer(delay, t -> startWithRetry().onComplete(p));
      return p.future();
    });
  }

  public Future<Void> close() {
    closed = true;
    failUnacknowledged("MQTT client closed");
    if (client == null || !client.isConnected()) return Future.succeededFuture();
    return client.disconnect();
  }
}
