package io.ipchls.device.mqtt;

import io.ipchls.device.upload.StorageCredentials;
import io.ipchls.protocol.CredentialRequest;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.ProtocolException;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporary storage credentials over MQTT: one request at a time, re-sent with backoff while unanswered (the client
 * does not retransmit), renewed at about 80 % of their lifetime and whenever storage refuses them. Not thread-safe:
 * the agent uses it on its Vert.x context only.
 */
final class CredentialRequests {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialRequests.class);
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  /** Credentials this close to expiry are not handed out any more. */
  private static final long EXPIRY_MARGIN_MS = 5_000;

  private final Vertx vertx;
  private final String cameraId;
  private final Consumer<CredentialRequest> send;
  private final BooleanSupplier closing;
  private StorageCredentials current;
  private CompletableFuture<StorageCredentials> inflight;
  private String pendingRequestId;
  private int requestAttempts;
  private long refreshTimer = -1;

  /**
   * @param send publishes a request if connected; one that cannot go out now goes out at the next connect or retry
   * @param closing true once the agent is closing: no more retries
   */
  CredentialRequests(Vertx vertx, String cameraId, Consumer<CredentialRequest> send, BooleanSupplier closing) {
    this.vertx = vertx;
    this.cameraId = cameraId;
    this.send = send;
    this.closing = closing;
  }

  /** The current credentials while they are valid, else those of a request (sent now unless one is under way). */
  CompletableFuture<StorageCredentials> get() {
    if (current != null && System.currentTimeMillis() < current.expirationEpochMs() - EXPIRY_MARGIN_MS) {
      return CompletableFuture.completedFuture(current);
    }
    return request();
  }

  /** Storage refused {@code bad}: unless newer ones came meanwhile, forget them and ask again. */
  void rejected(StorageCredentials bad) {
    if (current == bad) {
      current = null;
      request();
    }
  }

  /** The connection is (back) up: a request still unanswered goes out again. */
  void connected() {
    if (inflight != null) sendRequest();
  }

  /** No more renewals. */
  void stop() {
    if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
  }

  /** The answer to a request; stale and duplicate answers are ignored, a refusal waits for the retry. */
  void onResponse(CredentialResponse r) {
    if (inflight == null || !Objects.equals(r.requestId(), pendingRequestId)) return; // stale or duplicate answer
    if (r.isError()) {
      LOG.warn("camera {}: credential request refused: {}", cameraId, r.error());
      return; // the request timer re-sends with backoff
    }
    if (r.expiration() == null || r.accessKeyId() == null || r.bucket() == null || r.prefix() == null) {
      throw new ProtocolException("credential response lacks fields");
    }
    current = new StorageCredentials(r.accessKeyId(), r.secretAccessKey(), r.sessionToken(),
        r.endpoint() == null ? null : URI.create(r.endpoint()), r.region(), r.bucket(), r.prefix(),
        Boolean.TRUE.equals(r.pathStyle()), r.expiration());
    pendingRequestId = null;
    CompletableFuture<StorageCredentials> f = inflight;
    inflight = null;
    scheduleRenewal(r.expiration());
    LOG.info("camera {}: credentials {} until {}", cameraId, r.accessKeyId(), r.expiration());
    f.complete(current);
  }

  private void scheduleRenewal(long expirationEpochMs) {
    long refreshIn = Math.max(1_000, (long) ((expirationEpochMs - System.currentTimeMillis()) * 0.8)); // ~80 %
    if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
    refreshTimer = vertx.setTimer(refreshIn, t -> {
      refreshTimer = -1;
      request();
    });
  }

  private CompletableFuture<StorageCredentials> request() {
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
    send.accept(new CredentialRequest(CredentialRequest.VERSION, requestId));
    vertx.setTimer(REQUEST_TIMEOUT_MS + Backoff.delayMs(requestAttempts), t -> {
      if (requestId.equals(pendingRequestId) && inflight != null && !closing.getAsBoolean()) sendRequest();
    });
  }
}
