package io.ipchls.device.mqtt;

import io.ipchls.device.upload.CredentialSource;
import io.ipchls.device.upload.StorageCredentials;
import io.ipchls.protocol.CameraCommand;
import io.ipchls.protocol.CameraEvent;
import io.ipchls.protocol.CameraStatus;
import io.ipchls.protocol.CredentialRequest;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera's MQTT link (MQTT 3.1.1, vertx-mqtt): keeps a connection with a retained online status and a retained
 * offline will, fetches temporary storage credentials ({@link CredentialRequests}), publishes segment notifications
 * ({@link NotificationPublisher}) and passes commands on ({@link IncomingMessages}).
 *
 * <p>The client neither reconnects nor retransmits by itself, so this class reconnects with capped exponential
 * backoff and jitter, its collaborators re-send an unanswered credential request and keep every segment notification
 * until the broker acknowledges it (PUBACK). A connect counts once the broker granted the camera's three
 * subscriptions (its SUBACK) and took the online status; a refused subscription fails it with {@code subscription
 * refused by broker: <topic>} as {@link #lastConnectError()}, and it is retried like any failed connect. All state
 * lives on one Vert.x context; the methods may be called from any thread.
 */
final class DeviceAgent implements CredentialSource {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);

  private final Vertx vertx;
  private final Context context;
  private final MqttSettings settings;
  private final CredentialRequests credentials;
  private final NotificationPublisher notifications;
  private final IncomingMessages incoming;

  private MqttClient client;
  private volatile boolean connected;
  private volatile String lastConnectError;
  private boolean closing;
  private int reconnectAttempts;
  private boolean reconnectPending;
  private long statusTimer = -1;
  private long statusIntervalMs = MqttSettings.STATUS_INTERVAL_MS;
  /** The online status to publish (with the camera's counters), asked for at connect and every status interval. */
  private volatile Supplier<CameraStatus> statusSource = () -> CameraStatus.online(System.currentTimeMillis());

  /**
   * @param commands receives each valid command, on the agent's Vert.x context
   * @param acknowledged receives the key of each notification the broker acknowledged, on the agent's context
   */
  DeviceAgent(Vertx vertx, MqttSettings settings, Consumer<CameraCommand> commands, Consumer<String> acknowledged) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.credentials = new CredentialRequests(vertx, settings.cameraId(), this::publishRequest, () -> closing);
    this.notifications = new NotificationPublisher(vertx, settings.cameraId(), () -> client, () -> connected,
        acknowledged);
    this.incoming = new IncomingMessages(settings.cameraId(), credentials, commands);
  }

  /** Starts connecting (and reconnecting whenever the connection drops). */
  void start() {
    context.runOnContext(v -> {
      statusTimer = vertx.setPeriodic(statusIntervalMs, t -> publishStatus());
      connect();
    });
  }

  /** Where the periodic online status gets its counters (set before {@link #start()}). */
  void statusSource(Supplier<CameraStatus> source, long intervalMs) {
    this.statusSource = source;
    this.statusIntervalMs = intervalMs;
  }

  @Override
  public CompletableFuture<StorageCredentials> credentials() {
    CompletableFuture<StorageCredentials> result = new CompletableFuture<>();
    onContext(result, () -> credentials.get().whenComplete((c, e) -> {
      if (e == null) result.complete(c);
      else result.completeExceptionally(e);
    }));
    return result;
  }

  @Override
  public void rejected(StorageCredentials bad) {
    onContext(null, () -> credentials.rejected(bad));
  }

  /** Keeps {@code n} until the broker acknowledges it; publishes it as soon as the window and connection allow. */
  void announce(SegmentNotification n) {
    notifications.handOver();
    onContext(null, () -> notifications.add(n));
  }

  /**
   * Publishes a camera event (QoS 1). Events are not journaled like segment notifications: one published while the
   * broker is unreachable is dropped and logged; the event's recording is uploaded all the same.
   */
  void publishEvent(CameraEvent event) {
    onContext(null, () -> {
      if (!connected) {
        LOG.warn("camera {}: event {} not published: not connected", settings.cameraId(), event.id());
        return;
      }
      client.publish(Topics.events(settings.cameraId()), Buffer.buffer(Json.encode(event)), MqttQoS.AT_LEAST_ONCE,
          /* isDup= */ false, /* isRetain= */ false);
    });
  }

  /** Why the last incoming message was dropped, or null. */
  String lastRejection() {
    return incoming.lastRejection();
  }

  /** Notifications the cloud rejected since start. */
  long rejectedCount() {
    return incoming.rejectedCount();
  }

  /** Malformed or unexpected messages received (logged and dropped). */
  long badMessages() {
    return incoming.badMessages();
  }

  /** Notifications not acknowledged yet. */
  long pendingNotifications() {
    return notifications.pending();
  }

  long notificationsDropped() {
    return notifications.dropped();
  }

  boolean isConnected() {
    return connected;
  }

  /** Publishes the offline status (the will only fires on an unclean end) and disconnects. */
  CompletableFuture<Void> close() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    onContext(done, () -> {
      closing = true;
      credentials.stop();
      if (statusTimer >= 0) vertx.cancelTimer(statusTimer);
      if (!connected) {
        done.complete(null);
        return;
      }
      client.publish(Topics.status(settings.cameraId()), Buffer.buffer(Json.encode(CameraStatus.offline())),
              MqttQoS.AT_LEAST_ONCE, /* isDup= */ false, /* isRetain= */ true)
          .transform(ar -> client.disconnect())
          .onComplete(ar -> done.complete(null));
    });
    return done.completeOnTimeout(null, 5, TimeUnit.SECONDS);
  }

  /**
   * Repeats the retained online status with the current counters (QoS 0: the next one follows in a minute), so the
   * cloud sees which cameras are online and what they uploaded and dropped.
   */
  private void publishStatus() {
    if (!connected || closing) return;
    client.publish(Topics.status(settings.cameraId()), Buffer.buffer(Json.encode(statusSource.get())),
        MqttQoS.AT_MOST_ONCE, /* isDup= */ false, /* isRetain= */ true);
  }

  /**
   * Sends a credential request if connected; otherwise it goes out at the next connect or retry. At QoS 0
   * ({@link CredentialRequest#QOS}): an unanswered request is repeated after 10 s anyway.
   */
  private void publishRequest(CredentialRequest request) {
    if (!connected) return;
    client.publish(Topics.credentialsRequest(settings.cameraId()), Buffer.buffer(Json.encode(request)),
        MqttQoS.valueOf(CredentialRequest.QOS), /* isDup= */ false, /* isRetain= */ false);
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
    MqttClient c = MqttClient.create(vertx, clientOptions());
    c.publishHandler(incoming::handle);
    c.publishCompletionHandler(notifications::acknowledged);
    c.publishCompletionExpirationHandler(notifications::unacknowledged);
    c.closeHandler(v -> onClosed(c));
    client = c;
    c.connect(settings.port(), settings.host())
        // the SUBACK, not the SUBSCRIBE's write: the first credential answer must find its subscription
        .compose(ack -> Subscriptions.subscribe(vertx, c, List.of(Topics.credentialsResponse(settings.cameraId()),
            Topics.segmentsRejected(settings.cameraId()), Topics.commands(settings.cameraId())),
            MqttQoS.AT_LEAST_ONCE.value()))
        .compose(subscribed -> c.publish(Topics.status(settings.cameraId()),
            Buffer.buffer(Json.encode(statusSource.get())), MqttQoS.AT_LEAST_ONCE,
            /* isDup= */ false, /* isRetain= */ true))
        .onSuccess(id -> onConnected())
        .onFailure(e -> {
          lastConnectError = describe(e);
          LOG.warn("camera {}: MQTT connect to {}:{} failed: {}", settings.cameraId(), settings.host(),
              settings.port(), lastConnectError);
          if (c.isConnected()) c.disconnect(); // the close handler schedules the retry
          else scheduleReconnect();
        });
  }

  /** Clean session, keep-alive, the camera's credentials and its retained offline will. */
  private MqttClientOptions clientOptions() {
    MqttClientOptions options = new MqttClientOptions()
        .setClientId(settings.cameraId())
        .setUsername(settings.cameraId())
        .setPassword(settings.secret())
        .setCleanSession(true)
        .setKeepAliveInterval(30)
        .setAutoKeepAlive(true)
        .setWillFlag(true)
        .setWillTopic(Topics.status(settings.cameraId()))
        .setWillMessageBytes(Buffer.buffer(Json.encode(CameraStatus.offline())))
        .setWillQoS(MqttQoS.AT_LEAST_ONCE.value())
        .setWillRetain(true);
    // Certificates are verified (trustAll stays false); host names only when asked: Vert.x's default algorithm is "".
    options.setSsl(settings.tls()).setHostnameVerificationAlgorithm(settings.tls() ? "HTTPS" : "");
    if (settings.trust() != null) options.setTrustOptions(settings.trust().vertxTrust());
    return options;
  }

  /**
   * A refused server certificate is named as such (Vert.x reports it as a bare {@code SSLHandshakeException} several
   * causes deep), so an operator sees a TLS problem, not a network one.
   */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        Throwable root = t;
        while (root.getCause() != null) root = root.getCause();
        return "TLS: the broker's certificate was refused: " + root.getMessage();
      }
    }
    return String.valueOf(e.getMessage());
  }

  /** Why the last connect attempt failed, or null once connected. */
  public String lastConnectError() {
    return lastConnectError;
  }

  private void onConnected() {
    lastConnectError = null;
    connected = true;
    reconnectAttempts = 0;
    LOG.info("camera {}: connected to {}:{}", settings.cameraId(), settings.host(), settings.port());
    credentials.connected();
    notifications.pump();
  }

  private void onClosed(MqttClient c) {
    if (c != client) return;
    boolean was = connected;
    connected = false;
    notifications.connectionLost(); // clean session: the broker forgot them; they are re-sent from the outbox
    if (was && !closing) LOG.warn("camera {}: MQTT connection closed", settings.cameraId());
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (closing || reconnectPending) return; // a failed connect may report both a failure and a close
    reconnectPending = true;
    long delay = Backoff.delayMs(++reconnectAttempts);
    vertx.setTimer(delay, t -> {
      reconnectPending = false;
      connect();
    });
  }
}
