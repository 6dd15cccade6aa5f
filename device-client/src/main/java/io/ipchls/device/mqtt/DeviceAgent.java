package io.ipchls.device.mqtt;

import io.ipchls.device.upload.CredentialSource;
import io.ipchls.device.upload.StorageCredentials;
import io.ipchls.protocol.CameraCommand;
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
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera's MQTT link (MQTT 3.1.1, vertx-mqtt): keeps a connection with a retained online status and a retained
 * offline will, fetches temporary storage credentials and refreshes them at 80 % of their lifetime and whenever
 * storage refuses them, publishes segment notifications and passes commands on.
 *
 * <p>The client neither reconnects nor retransmits by itself, so this class reconnects with capped exponential
 * backoff and jitter, re-sends an unanswered credential request, and keeps every segment notification in an outbox
 * until the broker acknowledges it (PUBACK): after a reconnect the unacknowledged ones are published again (the
 * ingest side is idempotent), at most {@value #WINDOW} in flight. All state lives on one Vert.x context; public
 * methods may be called from any thread.
 */
final class DeviceAgent implements CredentialSource {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long MAX_BACKOFF_MS = 60_000;
  /** Credentials this close to expiry are not handed out any more. */
  private static final long EXPIRY_MARGIN_MS = 5_000;
  /** Notifications published and not yet acknowledged, below vertx-mqtt's in-flight limit of 10. */
  static final int WINDOW = 8;
  /** Notifications kept for an unreachable broker; the oldest are dropped (counted) beyond it (≈ 300 B each). */
  static final int MAX_OUTBOX = 20_000;

  private final Vertx vertx;
  private final Context context;
  private final MqttSettings settings;
  private final Consumer<CameraCommand> commands;
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong badMessages = new AtomicLong();
  private final AtomicLong notificationsDropped = new AtomicLong();
  private final AtomicLong outboxSize = new AtomicLong();
  /** Notifications given to {@link #announce} whose task has not run on the context yet. */
  private final AtomicLong handedOver = new AtomicLong();
  private final NotificationOutbox outbox;

  private MqttClient client;
  private volatile boolean connected;
  private boolean closing;
  private int reconnectAttempts;
  private boolean reconnectPending;
  private StorageCredentials current;
  private CompletableFuture<StorageCredentials> inflight;
  private String pendingRequestId;
  private int requestAttempts;
  private long refreshTimer = -1;
  private long statusTimer = -1;
  private long statusIntervalMs = MqttSettings.STATUS_INTERVAL_MS;
  /** The online status to publish (with the camera's counters), asked for at connect and every status interval. */
  private volatile java.util.function.Supplier<CameraStatus> statusSource = () -> CameraStatus.online(System.currentTimeMillis());

  /**
   * @param commands receives each valid command, on the agent's Vert.x context
   * @param acknowledged receives the key of each notification the broker acknowledged, on the agent's context
   */
  DeviceAgent(Vertx vertx, MqttSettings settings, Consumer<CameraCommand> commands, Consumer<String> acknowledged) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.commands = commands;
    this.outbox = new NotificationOutbox(WINDOW, MAX_OUTBOX, acknowledged);
  }

  /** Starts connecting (and reconnecting whenever the connection drops). */
  void start() {
    context.runOnContext(v -> {
      statusTimer = vertx.setPeriodic(statusIntervalMs, t -> publishStatus());
      connect();
    });
  }

  /** Where the periodic online status gets its counters (set before {@link #start()}). */
  void statusSource(java.util.function.Supplier<CameraStatus> source, long intervalMs) {
    this.statusSource = source;
    this.statusIntervalMs = intervalMs;
  }

  /**
   * Repeats the retained online status with the current counters (QoS 0: the next one follows in a minute), so the
   * cloud sees which cameras are online and what they uploaded and dropped.
   */
  private void publishStatus() {
    if (!connected || closing) return;
    client.publish(Topics.status(settings.cameraId()), Buffer.buffer(Json.encode(statusSource.get())),
        MqttQoS.AT_MOST_ONCE, false, true);
  }

  @Override
  public CompletableFuture<StorageCredentials> credentials() {
    CompletableFuture<StorageCredentials> result = new CompletableFuture<>();
    onContext(result, () -> {
      if (current != null && System.currentTimeMillis() < current.expirationEpochMs() - EXPIRY_MARGIN_MS) {
        result.complete(current);
      } else {
        requestCredentials().whenComplete((c, e) -> {
          if (e == null) result.complete(c);
          else result.completeExceptionally(e);
        });
      }
    });
    return result;
  }

  @Override
  public void rejected(StorageCredentials bad) {
    onContext(null, () -> {
      if (current == bad) {
        current = null;
        requestCredentials();
      }
    });
  }

  /** Keeps {@code n} until the broker acknowledges it; publishes it as soon as the window and connection allow. */
  void announce(SegmentNotification n) {
    // counted at once, not when the context runs the task: a close that waits for the pending notifications must
    // not miss one the upload thread handed over a moment before
    handedOver.incrementAndGet();
    onContext(null, () -> {
      handedOver.decrementAndGet();
      for (String key : outbox.add(n)) {
        notificationsDropped.incrementAndGet();
        LOG.warn("camera {}: notification outbox full, dropped the oldest ({})", settings.cameraId(), key);
      }
      outboxSize.set(outbox.size());
      pump();
    });
  }

  /** Notifications the cloud rejected since start. */
  long rejectedCount() {
    return rejected.get();
  }

  /** Malformed or unexpected messages received (logged and dropped). */
  long badMessages() {
    return badMessages.get();
  }

  /** Notifications not acknowledged yet. */
  long pendingNotifications() {
    return outboxSize.get() + handedOver.get();
  }

  long notificationsDropped() {
    return notificationsDropped.get();
  }

  boolean isConnected() {
    return connected;
  }

  /** Publishes the offline status (the will only fires on an unclean end) and disconnects. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onContext(done, () -> {
      closing = true;
      if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
      if (statusTimer >= 0) vertx.cancelTimer(statusTimer);
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

  /**
   * Runs {@code task} on the agent's context. When that is gone (the application closed a shared Vert.x first),
   * {@code failed} (if any) completes exceptionally instead of the caller getting an exception.
   */
  private void onContext(CompletableFuture<?> failed, Runnable task) {
    try {
      context.runOnContext(v -> task.run());
    } catch (RejectedExecutionException e) {
      LOG.warn("camera {}: MQTT agent stopped (its Vert.x is closed)", settings.cameraId());
      if (failed != null) failed.completeExceptionally(new IllegalStateException("MQTT agent stopped", e));
    }
  }

  private void connect() {
    if (closing) return;
    String status = Topics.status(settings.cameraId());
    MqttClientOptions options = new MqttClientOptions()
        .setClientId(settings.cameraId())
        .setUsername(settings.cameraId())
        .setPassword(settings.secret())
        .setCleanSession(true)
        .setKeepAliveInterval(30)
        .setAutoKeepAlive(true)
        .setWillFlag(true)
        .setWillTopic(status)
        .setWillMessageBytes(Buffer.buffer(Json.encode(CameraStatus.offline())))
        .setWillQoS(1)
        .setWillRetain(true);
    // Certificates are verified (trustAll stays false); host names only when asked: Vert.x's default algorithm is "".
    options.setSsl(settings.tls()).setHostnameVerificationAlgorithm(settings.tls() ? "HTTPS" : "");
    MqttClient c = MqttClient.create(vertx, options);
    c.publishHandler(this::onMessage);
    c.publishCompletionHandler(this::onAcked);
    c.publishCompletionExpirationHandler(this::onUnacked);
    c.closeHandler(v -> onClosed(c));
    client = c;
    c.connect(settings.port(), settings.host())
        .compose(ack -> c.subscribe(Map.of(
            Topics.credentialsResponse(settings.cameraId()), 1,
            Topics.segmentsRejected(settings.cameraId()), 1,
            Topics.commands(settings.cameraId()), 1)))
        .compose(subscribed -> c.publish(status,
            Buffer.buffer(Json.encode(statusSource.get())), MqttQoS.AT_LEAST_ONCE,
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
    pump();
  }

  private void onClosed(MqttClient c) {
    if (c != client) return;
    boolean was = connected;
    connected = false;
    outbox.connectionLost(); // clean session: the broker forgot them; they are re-sent from the outbox
    if (was && !closing) LOG.warn("camera {}: MQTT connection closed", settings.cameraId());
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (closing || reconnectPending) return; // a failed connect may report both a failure and a close
    reconnectPending = true;
    long delay = backoff(++reconnectAttempts);
    vertx.setTimer(delay, t -> {
      reconnectPending = false;
      connect();
    });
  }

  /** Publishes outbox entries not in flight, oldest first, while the window has room. */
  private void pump() {
    if (!connected) return;
    MqttClient c = client;
    for (SegmentNotification n : outbox.takeSendable()) {
      c.publish(Topics.segments(settings.cameraId()), Buffer.buffer(Json.encode(n)), MqttQoS.AT_LEAST_ONCE, false,
              false)
          .onSuccess(packetId -> {
            if (c == client) outbox.sent(n.key(), packetId);
          })
          .onFailure(e -> {
            if (c == client) outbox.notSent(n.key()); // stays in the outbox for the next try
          });
    }
  }

  private void onAcked(int packetId) {
    outbox.acknowledged(packetId);
    outboxSize.set(outbox.size());
    pump();
  }

  private void onUnacked(int packetId) {
    outbox.unacknowledged(packetId);
    vertx.setTimer(1_000, t -> pump());
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
        case COMMANDS -> onCommand(Json.decode(payload, CameraCommand.class));
        default -> throw new ProtocolException("unexpected topic kind " + kind);
      }
    } catch (ProtocolException | IllegalArgumentException e) {
      badMessages.incrementAndGet();
      LOG.warn("camera {}: dropped message on {}: {}", settings.cameraId(), topic, e.getMessage());
    }
  }

  private void onCommand(CameraCommand command) {
    var problems = command.problems();
    if (!problems.isEmpty()) throw new ProtocolException("bad command: " + String.join("; ", problems));
    LOG.info("camera {}: command {}", settings.cameraId(), command);
    commands.accept(command);
  }

  private void onCredentials(CredentialResponse r) {
    if (inflight == null || !Objects.equals(r.requestId(), pendingRequestId)) return; // stale or duplicate answer
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

  /** Full jitter over a capped exponential: 1 s, 2 s, 4 s ... 60 s. */
  private static long backoff(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MS, 1_000L << Math.min(attempt - 1, 16));
    return 1 + ThreadLocalRandom.current().nextLong(ceiling);
  }
}
