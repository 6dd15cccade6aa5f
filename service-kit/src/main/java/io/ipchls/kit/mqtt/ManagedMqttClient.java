package io.ipchls.kit.mqtt;

import io.ipchls.kit.config.MqttConfig;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.mqtt.MqttClient;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.impl.MqttClientImpl;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.lang.reflect.Field;
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
 *
 * <p><b>Reading can be paused</b> ({@link #pauseReading()}, {@link #resumeReading()}): the socket stops being read,
 * so the broker's unacknowledged window fills, its writes block and it keeps the backlog (TCP back-pressure); a
 * consumer uses it to bound what it holds in memory. vertx-mqtt 5.0 has no pause of its own (5.1 adds
 * {@code MqttClient#pause()}, which does exactly this: pause the client's {@code NetSocket}), so the socket is taken
 * from the client's {@code connection} field. A paused socket also holds back PINGRESP, which would make the client's
 * own keep-alive drop the connection after 1.5 keep-alive intervals; so the keep-alive is done here instead: a
 * PINGREQ every {@value #PING_EVERY_MS} ms keeps the broker's keep-alive satisfied, and only a connection that is
 * read (not paused) and has heard nothing for 1.5 keep-alive intervals is closed as dead. A connection lost while
 * paused is re-opened only on {@link #resumeReading()}, so a consumer at its bound does not take a second window.
 */
public final class ManagedMqttClient {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedMqttClient.class);
  private static final long MAX_BACKOFF_MS = 10_000;
  /** vertx-mqtt may report a PUBACK before the publish's packet id: such acknowledgements are kept this long. */
  private static final long EARLY_ACK_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** The keep-alive interval announced in CONNECT; the broker drops a client silent for 1.5 times this. */
  static final int KEEP_ALIVE_SECONDS = 30;
  /** How often a PINGREQ is sent (well inside the broker's 1.5 keep-alive intervals). */
  static final long PING_EVERY_MS = 10_000;
  /** A read (not paused) connection that has heard nothing for this long is closed as dead. */
  static final long SILENT_LIMIT_MS = KEEP_ALIVE_SECONDS * 1_500L;
  private static final Field CONNECTION = connectionField();

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
  private volatile boolean readingPaused;
  private boolean reconnectWhenResumed;
  private long pingTimer = -1;
  private long lastHeardMs;
  private long pingEveryMs = PING_EVERY_MS;
  private long silentLimitMs = SILENT_LIMIT_MS;
  private volatile long pingsSent;

  public ManagedMqttClient(Vertx vertx, MqttConfig cfg, String clientId, boolean cleanSession, boolean autoAck) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.options = new MqttClientOptions()
        .setClientId(clientId)
        .setUsername(cfg.username())
        .setPassword(cfg.password())
        .setCleanSession(cleanSession)
        .setKeepAliveInterval(KEEP_ALIVE_SECONDS)
        .setAutoKeepAlive(false) // done here, so that a paused socket is not taken for a dead one
        .setMaxInflightQueue(1000)
        .setMaxMessageSize(64 * 1024)
        .setSsl(cfg.ssl());
    // Vert.x checks the certificate chain but not the host name unless an algorithm is set (its default is "").
    this.options.setHostnameVerificationAlgorithm(cfg.ssl() ? "HTTPS" : "");
    if (!cfg.caFile().isBlank()) this.options.setTrustOptions(new PemTrustOptions().addCertPath(cfg.caFile()));
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

  /** A shorter keep-alive for tests (PINGREQ every third of it, dead after 1.5 times it); before {@link #start()}. */
  ManagedMqttClient keepAliveSeconds(int seconds) {
    options.setKeepAliveInterval(seconds);
    pingEveryMs = seconds * 1000L / 3;
    silentLimitMs = seconds * 1500L;
    return this;
  }

  /** PINGREQs sent so far (tests). */
  long pingsSent() {
    return pingsSent;
  }

  /**
   * Stops reading from the broker: no message reaches the handler until {@link #resumeReading()} (what was already
   * read off the socket waits in it). Call on the context this client was started on.
   */
  public void pauseReading() {
    if (readingPaused) return;
    readingPaused = true;
    NetSocketInternal socket = socket(client);
    if (socket != null) socket.pause();
  }

  /** Reads again, and re-opens the connection if it was lost while paused. */
  public void resumeReading() {
    if (!readingPaused) return;
    readingPaused = false;
    lastHeardMs = System.currentTimeMillis(); // a PINGRESP may still sit behind what the pause held back
    NetSocketInternal socket = socket(client);
    if (socket != null) socket.resume();
    if (reconnectWhenResumed && !closed) {
      reconnectWhenResumed = false;
      connect().onFailure(e -> scheduleReconnect());
    }
  }

  public boolean isReadingPaused() {
    return readingPaused;
  }

  private Future<Void> connect() {
    client = MqttClient.create(vertx, options);
    MqttClient c = client;
    c.publishHandler(m -> {
      heard();
      handler.handle(m);
    });
    c.publishCompletionHandler(id -> {
      heard();
      onPublishAcked(id);
    });
    c.pingResponseHandler(x -> heard());
    return c.connect(cfg.port(), cfg.host())
        .compose(ack -> subscribeAll(c))
        .onSuccess(v -> {
          backoffMs = 250;
          LOG.info("MQTT {} connected to {}:{}", options.getClientId(), cfg.host(), cfg.port());
          heard();
          c.closeHandler(x -> onClosed());
          if (readingPaused) {
            NetSocketInternal socket = socket(c);
            if (socket != null) socket.pause();
          }
          vertx.cancelTimer(pingTimer);
          pingTimer = vertx.setPeriodic(pingEveryMs, t -> keepAlive(c, t));
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

  private void heard() {
    lastHeardMs = System.currentTimeMillis();
  }

  /** One keep-alive round: a PINGREQ, or closing a read connection that stayed silent too long. */
  private void keepAlive(MqttClient c, long timerId) {
    NetSocketInternal socket = socket(c);
    if (c != client || socket == null || !c.isConnected()) {
      vertx.cancelTimer(timerId);
      return;
    }
    if (!readingPaused && System.currentTimeMillis() - lastHeardMs > silentLimitMs) {
      LOG.warn("MQTT {}: nothing from the broker for {} ms; closing the connection", options.getClientId(),
          System.currentTimeMillis() - lastHeardMs);
      socket.close();
      return;
    }
    socket.writeMessage(MqttMessage.PINGREQ);
    pingsSent++;
  }

  private static NetSocketInternal socket(MqttClient c) {
    if (c == null) return null;
    try {
      return (NetSocketInternal) CONNECTION.get(c);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Field connectionField() {
    try {
      Field f = MqttClientImpl.class.getDeclaredField("connection");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError("vertx-mqtt changed: no MqttClientImpl.connection to pause (" + e + ")");
    }
  }

  private void onClosed() {
    vertx.cancelTimer(pingTimer);
    failUnacknowledged("MQTT connection lost before the broker acknowledged");
    if (closed) return;
    LOG.warn("MQTT {} connection lost; reconnecting", options.getClientId());
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, t -> {
      if (closed) return;
      if (readingPaused) {
        reconnectWhenResumed = true; // the consumer is at its bound: a new connection would bring a new window
        return;
      }
      connect().onFailure(e -> scheduleReconnect());
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
    vertx.cancelTimer(pingTimer);
    failUnacknowledged("MQTT client closed");
    if (client == null || !client.isConnected()) return Future.succeededFuture();
    return client.disconnect();
  }
}
