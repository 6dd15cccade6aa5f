package io.ipchls.device.agent;

import io.ipchls.device.upload.StorageCredentials;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.CredentialRequest;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera's MQTT link (MQTT 3.1.1, vertx-mqtt): keeps a connection with a retained online status and an offline
 * will, fetches and refreshes temporary storage credentials, and publishes segment notifications. The client
 * neither reconnects nor retransmits by itself, so this class reconnects with capped exponential backoff; a request
 * without answer is re-sent. All state lives on one Vert.x context; public methods may be called from any thread
 * and answer with {@link CompletableFuture}s, for the blocking upload thread.
 */
final class DeviceAgent {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long MAX_BACKOFF_MS = 60_000;
  /** Credentials this close to expiry are not handed out any more. */
  private static final long EXPIRY_MARGIN_MS = 10_000;

  private final Vertx vertx;
  private final Context context;
  private final AgentSettings settings;
  private final AtomicLong rejected = new AtomicLong();

  private MqttClient client;
  private boolean connected;
  private boolean closing;
  private int reconnectAttempts;
  private StorageCredentials current;
  private CompletableFuture<StorageCredentials> inflight;
  private String pendingRequestId;
  private int requestAttempts;
  private long refreshTimer = -1;
  private final Map<Integer, CompletableFuture<Void>> unacked = new HashMap<>();

  /** Connection settings; the secret is never logged. */
  record AgentSettings(String cameraId, String secret, String host, int port, boolean tls) {}

  DeviceAgent(Vertx vertx, AgentSettings settings) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
  }

  /** Starts connecting (and reconnecting whenever the connection drops). */
  void start() {
    context.runOnContext(v -> connect());
  }

  /** Valid credentials, now or once the credential service answers. */
  CompletableFuture<StorageCredentials> credentials() {
    CompletableFuture<StorageCredentials> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      if (current != null && System.currentTimeMillis() < current.expirationEpochMs() - EXPIRY_MARGIN_MS) {
        result.complete(current);
      } else {
        requestCredentials().whenComplete((c, e) -> { if (e == null) result.complete(c); else result.completeExceptionally(e); });
      }
    });
    return result;
  }

  /** Storage refused {@code bad}: forget them (unless already replaced) and fetch new ones. */
  void invalidate(StorageCredentials bad) {
    context.runOnContext(v -> {
      if (current == bad) current = null;
      requestCredentials();
    });
  }

  /** Publishes a notification with QoS 1; completes when the broker acknowledges it. */
  CompletableFuture<Void> publishSegment(SegmentNotification n) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    context.runOnContext(v -> {
      if (!connected) {
        acked.completeExceptionally(new IllegalStateException("not connected"));
        return;
      }
      client.publish(Topics.segments(settings.cameraId()), Buffer.buffer(Json.encode(n)), MqttQoS.AT_LEAST_ONCE,
              false, false)
          .onSuccess(packetId -> unacked.put(packetId, acked))
          .onFailure(acked::completeExceptionally);
    });
    return acked.orTimeout(30, TimeUnit.SECONDS);
  }

  /** Notifications the cloud rejected since start. */
  long rejectedCount() {
    return rejected.get();
  }

  /** Publishes the offline status (the will only fires on an unclean end) and disconnects. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      closing = true;
      if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
      if (!connected) {
        done.complete(null);
        return;
      }
      client.publish(Topics.status(settings.cameraId()), Buffer.buffer(Json.encode(CameraStatus.offline())),
              MqttQoS.AT_LEAST_ONCE, false, true)
          .transform(ar -> client.disconnect())
          .onComplete(ar -> done.complete(null));
    });
    return done.completeOnTimeout(null, 5, TimeUnit.SECONDS);
  }

  private void connect() {
    if (closing) return;
    MqttClientOptions options = new MqttClientOptions()
        .setClientId(settings.cameraId())
        .setUsername(settings.cameraId())
        .setPassword(settings.secret())
        .setCleanSession(true)
        .setKeepAliveInterval(30)
        .setWillFlag(true)
        .setWillTopic(Topics.status(settings.cameraId()))
        .setWillMessageBytes(Buffer.buffer(Json.encode(CameraStatus.offline())))
        .setWillQoS(1)
        .setWillRetain(true);
    options.setSsl(settings.tls()); // certificates and host names are verified (trustAll stays false)
    MqttClient c = MqttClient.create(vertx, options);
    c.publishHandler(this::onMessage);
    c.publishCompletionHandler(id -> complete(id, null));
    c.publishCompletionExpirationHandler(id -> complete(id, new IllegalStateException("no PUBACK")));
    c.closeHandler(v -> onClosed(c));
    client = c;
    c.connect(settings.port(), settings.host())
        .compose(ack -> c.subscribe(Map.of(
            Topics.credentialsResponse(settings.cameraId()), 1,
            Topics.segmentsRejected(settings.cameraId()), 1,
            Topics.commands(settings.cameraId()), 1)))
        .compose(subscribed -> c.publish(Topics.status(settings.cameraId()),
            Buffer.buffer(Json.encode(CameraStatus.online(System.currentTimeMillis()))), MqttQoS.AT_LEAST_ONCE,
            false, true))
        .onSuccess(id -> onConnected())
        .onFailure(e -> {
          LOG.warn("camera {}: MQTT connect to {}:{} failed: {}", settings.cameraId(), settings.host(),
              settings.port(), e.getMessage());
          if (c.isConnected()) c.disconnect(); // the close handler schedules the retry
          else scheduleReconnect();
        });
  }

  private void onConnected() {
    connected = true;
    reconnectAttempts = 0;
    LOG.info("camera {}: connected to {}:{}", settings.cameraId(), settings.host(), settings.port());
    if (inflight != null) sendRequest();
  }

  private void onClosed(MqttClient c) {
    if (c != client) return;
    boolean was = connected;
    connected = false;
    unacked.values().forEach(f -> f.completeExceptionally(new IllegalStateException("connection closed")));
    unacked.clear();
    if (was) LOG.warn("camera {}: MQTT connection closed", settings.cameraId());
    if (was) scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (closing) return;
    long delay = backoff(++reconnectAttempts);
    vertx.setTimer(delay, t -> connect());
  }

  private CompletableFuture<StorageCredentials> requestCredentials() {
    if (inflight == null) {
      inflight = new CompletableFuture<>();
      requestAttempts = 0;
      sendRequest();
    }
    return inflight;
  }

  private void sendRequest() {
    String requestId = UUID.randomUUID().toString();
    pendingRequestId = requestId;
    requestAttempts++;
    if (connected) {
      client.publish(Topics.credentialsRequest(settings.cameraId()),
          Buffer.buffer(Json.encode(new CredentialRequest(CredentialRequest.VERSION, requestId))),
          MqttQoS.AT_LEAST_ONCE, false, false);
    }
    vertx.setTimer(REQUEST_TIMEOUT_MS + backoff(requestAttempts), t -> {
      if (requestId.equals(pendingRequestId) && inflight != null && !closing) sendRequest();
    });
  }

  private void onMessage(MqttPublishMessage msg) {
    String topic = msg.topicName();
    try {
      Topics.Kind kind = Topics.parse(topic).filter(t -> t.cameraId().equals(settings.cameraId()))
          .map(Topics.CameraTopic::kind).orElseThrow(() -> new ProtocolException("unexpected topic"));
      byte[] payload = msg.payload().getBytes();
      switch (kind) {
        case CREDENTIALS_RESPONSE -> onCredentials(Json.decode(payload, CredentialResponse.class));
        case SEGMENTS_REJECTED -> {
          SegmentRejected r = Json.decode(payload, SegmentRejected.class);
          rejected.incrementAndGet();
          LOG.warn("camera {}: segment {} rejected: {}", settings.cameraId(), r.key(), r.reason());
        }
        case COMMANDS -> LOG.info("camera {}: command ignored (not supported yet): {}", settings.cameraId(),
            msg.payload().toString().length() > 200 ? "(long)" : msg.payload().toString());
        default -> throw new ProtocolException("unexpected topic kind " + kind);
      }
    } catch (ProtocolException | IllegalArgumentException e) {
      LOG.warn("camera {}: dropped message on {}: {}", settings.cameraId(), topic, e.getMessage());
    }
  }

  private void onCredentials(CredentialResponse r) {
    if (inflight == null || !java.util.Objects.equals(r.requestId(), pendingRequestId)) return; // stale or duplicate answer
    if (r.isError()) {
      LOG.warn("camera {}: credential request refused: {}", settings.cameraId(), r.error());
      return; // the request timer re-sends with backoff
    }
    if (r.expiration() == null || r.accessKeyId() == null || r.bucket() == null || r.prefix() == null) {
      throw new ProtocolException("credential response lacks fields");
    }
    long now = System.currentTimeMillis();
    current = new StorageCredentials(r.accessKeyId(), r.secretAccessKey(), r.sessionToken(),
        r.endpoint() == null ? null : URI.create(r.endpoint()), r.region(), r.bucket(), r.prefix(),
        Boolean.TRUE.equals(r.pathStyle()), r.expiration());
    pendingRequestId = null;
    CompletableFuture<StorageCredentials> f = inflight;
    inflight = null;
    long refreshIn = Math.max(1_000, (long) ((r.expiration() - now) * 0.8)); // ~80 % of the lifetime
    if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
    refreshTimer = vertx.setTimer(refreshIn, t -> {
      refreshTimer = -1;
      requestCredentials();
    });
    LOG.info("camera {}: credentials {} until {}", settings.cameraId(), r.accessKeyId(), r.expiration());
    f.complete(current);
  }

  private void complete(int packetId, Throwable failure) {
    CompletableFuture<Void> f = unacked.remove(packetId);
    if (f == null) return;
    if (failure == null) f.complete(null);
    else f.completeExceptionally(failure);
  }

  /** Full jitter over a capped exponential: 1 s, 2 s, 4 s ... 60 s. */
  private static long backoff(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MS, 1_000L << Math.min(attempt - 1, 16));
    return 1 + ThreadLocalRandom.current().nextLong(ceiling);
  }
}
