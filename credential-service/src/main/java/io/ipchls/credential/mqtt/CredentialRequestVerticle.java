package io.ipchls.credential.mqtt;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.db.AuditRepository;
import io.ipchls.credential.db.CameraStore;
import io.ipchls.credential.db.Device;
import io.ipchls.credential.issuer.CredentialIssuer;
import io.ipchls.kit.mqtt.ManagedMqttClient;
import io.ipchls.protocol.CredentialRequest;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.ProtocolException;
import io.ipchls.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code cameras/{id}/credentials/request} through the shared subscription
 * {@link Topics#CREDENTIAL_SHARED_REQUESTS}: a registered, enabled camera gets temporary storage credentials on
 * {@code cameras/{id}/credentials/response}; anything else gets an error response there (or, for a topic that names no
 * camera, is dropped). Requests are rate-limited per camera: by this instance's {@link RateLimiter} before any
 * database work, then by the camera's bucket in {@code credential.request_buckets}, shared by all instances and taken
 * in the statement that reads the camera, so a camera gets {@code burst} at once across the cluster. The database
 * reads and audit writes of requests arriving together share statements ({@link RequestBatches}). A QoS 1 request
 * is acknowledged once answered; QoS 0 requests (the SDK's) wait their turn in {@link WaitingRequests}, one per camera.
 * Every issuance and refusal is logged, audited and counted
 * ({@code credentials_issued_total}, {@code credentials_refused_total{reason}}).
 */
public final class CredentialRequestVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialRequestVerticle.class);
  private static final String ACTION = "credentials.issue";
  private static final long PRUNE_INTERVAL_MS = 60_000;
  /**
   * QoS 0 requests handled at once: each holds at most one answer in flight, well under the MQTT client's limit of
   * 1,000 unacknowledged publishes per session even if all use one, and enough to fill {@link RequestBatches}.
   */
  static final int MAX_ACTIVE_QOS0 = 500;
  /** Cameras whose QoS 0 request may wait (a few hundred bytes each): a storm of this many is queued, not dropped. */
  static final int MAX_WAITING_QOS0 = 100_000;

  /** A QoS 0 request waiting its turn, with the session it came in on. */
  private record Waiting(ManagedMqttClient via, MqttPublishMessage msg) {}

  private final CredentialConfig config;
  private final MeterRegistry meters;
  private final CredentialIssuer issuer;
  private CameraStore store;
  private RequestBatches batches;
  /** The shared-subscription sessions ({@code mqttConnections}); responses go out through any connected one. */
  private final List<ManagedMqttClient> clients = new ArrayList<>();
  private int next;
  private RateLimiter limiter;
  /** QoS 0 requests waiting for their turn. */
  private WaitingRequests<Waiting> waiting;
  private long pruneTimer;

  public CredentialRequestVerticle(CredentialConfig config, MeterRegistry meters, CredentialIssuer issuer) {
    this.config = config;
    this.meters = meters;
    this.issuer = issuer;
  }

  @Override
  public Future<?> start() {
    store = CameraStore.open(vertx, config.db());
    batches = new RequestBatches(store.devices(), store.audit(), config.rateLimit().burst(),
        config.rateLimit().refillSeconds());
    limiter = new RateLimiter(config.rateLimit());
    waiting = new WaitingRequests<>(MAX_ACTIVE_QOS0, MAX_WAITING_QOS0, w -> answer(w.via(), w.msg()));
    meters.gauge("credentials.requests.waiting", this, v -> v.waiting == null ? 0 : v.waiting.waiting());
    pruneTimer = vertx.setPeriodic(PRUNE_INTERVAL_MS, t -> limiter.prune(System.currentTimeMillis()));
    // Requests are acknowledged once answered, and a broker bounds the unacknowledged messages per client (HiveMQ
    // CE: 50), so one session answers at most that many at a time: several sessions split a storm's requests.
    String base = "credential-" + UUID.randomUUID();
    List<Future<?>> started = new ArrayList<>();
    for (int k = 1; k <= config.mqttConnections(); k++) {
      ManagedMqttClient c = new ManagedMqttClient(vertx, config.mqtt(), k == 1 ? base : base + "-" + k,
          /* cleanSession= */ true, /* autoAck= */ false).subscribe(Topics.CREDENTIAL_SHARED_REQUESTS, 1);
      c.messageHandler(msg -> onRequest(c, msg));
      clients.add(c);
      started.add(c.startWithRetry());
    }
    return Future.all(started);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pruneTimer);
    int forgotten = waiting.clear();
    if (forgotten > 0) LOG.info("stopping: {} waiting credential requests left to their cameras' repeats", forgotten);
    // The issuer's client lives as long as this, its only long-lived user (the admin API only revokes).
    issuer.close();
    return Future.join(clients.stream().map(ManagedMqttClient::close).toList()).eventually(() -> store.close());
  }

  /** For the health check. */
  public boolean isConnected() {
    return !clients.isEmpty() && clients.stream().allMatch(ManagedMqttClient::isConnected);
  }

  /**
   * A QoS 1 request is handled at once (the broker paces those: at most its window per session unacknowledged) and
   * acknowledged once answered; a QoS 0 one waits its turn in {@link #waiting}.
   */
  private void onRequest(ManagedMqttClient via, MqttPublishMessage msg) {
    if (msg.qosLevel() != MqttQoS.AT_MOST_ONCE) {
      answer(via, msg).onComplete(x -> msg.ack());
      return;
    }
    String cameraId = Topics.parse(msg.topicName()).map(Topics.CameraTopic::cameraId).orElse("");
    switch (waiting.offer(cameraId, new Waiting(via, msg))) {
      case REPLACED -> meters.counter("credentials.requests.replaced").increment();
      case DROPPED -> {
        meters.counter("credentials.requests.dropped").increment();
        LOG.debug("credential request from {} dropped: {} cameras already wait", cameraId, waiting.waiting());
      }
      default -> { }
    }
  }

  /** Answers one request; completes once the answer is out (or could not go out). */
  private Future<Void> answer(ManagedMqttClient via, MqttPublishMessage msg) {
    Optional<Topics.CameraTopic> topic = Topics.parse(msg.topicName())
        .filter(t -> t.kind() == Topics.Kind.CREDENTIALS_REQUEST);
    if (topic.isEmpty()) {
      LOG.warn("dropped credential request on unexpected topic {}", msg.topicName());
      refused("bad_topic");
      return Future.succeededFuture();
    }
    String cameraId = topic.get().cameraId();
    byte[] payload = msg.payload().getBytes();
    Future<Void> handled = limiter.tryAcquire(cameraId, System.currentTimeMillis())
        ? handle(via, cameraId, payload)
        : refuse(via, cameraId, requestIdOf(payload), "rate_limited",
            "too many credential requests, retry later");
    return handled
        .recover(e -> {
          LOG.error("credential request from {} failed", cameraId, e);
          return refuse(via, cameraId, requestIdOf(payload), "unavailable",
              "credentials are unavailable, retry later");
        })
        .otherwiseEmpty();
  }

  private Future<Void> handle(ManagedMqttClient via, String cameraId, byte[] payload) {
    if (payload.length > Json.MAX_PAYLOAD_BYTES) {
      return refuse(via, cameraId, null, "too_large",
          "request of " + payload.length + " bytes exceeds " + Json.MAX_PAYLOAD_BYTES);
    }
    CredentialRequest request;
    try {
      request = Json.decode(payload, CredentialRequest.class);
    } catch (ProtocolException e) {
      return refuse(via, cameraId, requestIdOf(payload), "malformed", e.getMessage());
    }
    // The shared bucket (all instances) is taken in the same round trip that reads the camera.
    return batches.take(cameraId)
        .compose(lookup -> {
          if (!lookup.granted()) {
            return refuse(via, cameraId, request.requestId(), "rate_limited",
                "too many credential requests, retry later");
          }
          var found = lookup.device();
          if (found.isEmpty()) {
            return refuse(via, cameraId, request.requestId(), "unknown_camera", "camera is not registered");
          }
          if (!found.get().enabled()) {
            return refuse(via, cameraId, request.requestId(), "disabled", "camera is disabled");
          }
          return issue(via, found.get(), request.requestId());
        });
  }

  /**
   * Issues, then reads the registry again: a disable, rotation or delete that ran between the first read and the key
   * going live has already revoked the index it saw, so the recheck is what keeps it from missing this key.
   */
  private Future<Void> issue(ManagedMqttClient via, Device camera, String requestId) {
    return issuer.issue(camera, requestId).compose(response -> batches.find(camera.id()).compose(now -> {
      // The secret version, not the hash: a login's rehash (bcrypt to SHA-256) changes the hash, not the secret.
      boolean unchanged = now.isPresent() && now.get().enabled()
          && now.get().secretVersion() == camera.secretVersion();
      if (!unchanged) {
        return issuer.revokeAll(camera.id())
            .compose(v -> refuse(via, camera.id(), requestId, "changed", "camera was changed during issuance"));
      }
      meters.counter("credentials.issued").increment();
      LOG.info("credentials issued: camera={} key={} expires={}", camera.id(), response.accessKeyId(),
          response.expiration());
      batches.audit(camera.id(), ACTION, AuditRepository.OK, "key " + response.accessKeyId());
      return publish(via, camera.id(), response);
    }));
  }

  /** Answers the camera with {@code message}; logs, audits and counts {@code reason}. Never sees a secret. */
  private Future<Void> refuse(ManagedMqttClient via, String cameraId, String requestId, String reason,
      String message) {
    LOG.info("credentials refused: camera={} reason={} ({})", cameraId, reason, message);
    refused(reason);
    batches.audit(cameraId, ACTION, AuditRepository.REFUSED, reason);
    return publish(via, cameraId, CredentialResponse.error(requestId, message));
  }

  private void refused(String reason) {
    meters.counter("credentials.refused", "reason", reason).increment();
  }

  /**
   * Answers through the session the request came in on (another connected one if it is down), and completes once the
   * broker has acknowledged the answer: only then is the request acknowledged, so a session never has more answers in
   * flight than requests (the broker's delivery window equals the client's in-flight limit). Answering without
   * waiting let a storm pile up unacknowledged answers past that limit while the broker was busy, and each answer
   * refused by it was a request dropped: its camera asked again 10 s later.
   */
  private Future<Void> publish(ManagedMqttClient via, String cameraId, CredentialResponse response) {
    ManagedMqttClient mqtt = via;
    for (int i = 0; i < clients.size() && !mqtt.isConnected(); i++) {
      mqtt = clients.get(next++ % clients.size());
    }
    return mqtt.publishAcked(Topics.credentialsResponse(cameraId), Json.encode(response));
  }

  /** Best effort, so that even a refused request can be matched by the camera; null when there is none. */
  private static String requestIdOf(byte[] payload) {
    if (payload.length > Json.MAX_PAYLOAD_BYTES) return null;
    try {
      Object id = new JsonObject(io.vertx.core.buffer.Buffer.buffer(payload)).getValue("requestId");
      return id instanceof String s && !s.isBlank() && s.length() <= 64 ? s : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
