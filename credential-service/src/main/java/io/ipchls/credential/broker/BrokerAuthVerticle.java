package io.ipchls.credential.broker;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.auth.Bcrypt;
import io.ipchls.credential.db.AuditRepository;
import io.ipchls.credential.db.CameraStore;
import io.ipchls.credential.db.Device;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.protocol.BrokerLoginDecision;
import io.ipchls.protocol.BrokerLoginRequest;
import io.ipchls.protocol.CameraChanged;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.ProtocolException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the broker's login checks on {@link ClusterNames#BROKER_AUTHENTICATE}: service accounts by SHA-256 of their
 * configured password, cameras by bcrypt of their registered secret (client id must equal the camera id). Successful
 * camera logins are cached for {@code auth.cacheTtlSeconds}; {@link ClusterNames#CAMERA_CHANGED} clears a camera's
 * entry on every instance. The embedded broker's hook and the external-broker HTTP endpoint ({@code EmqxHookHandler})
 * both ask here, so both get the same decisions. Counted as {@code broker_auth_accepted_total{role}} and
 * {@code broker_auth_refused_total{reason}}.
 */
public final class BrokerAuthVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerAuthVerticle.class);
  private static final String ACTION = "broker.auth";
  private static final String UNAVAILABLE = BrokerLoginDecision.UNAVAILABLE;
  private static final String BUSY = "busy";

  private final CredentialConfig config;
  private final MeterRegistry meters;
  private final AuthCache cache;
  private CameraStore store;
  private Bcrypt bcrypt;

  public BrokerAuthVerticle(CredentialConfig config, MeterRegistry meters) {
    this.config = config;
    this.meters = meters;
    this.cache = new AuthCache(config.auth().cacheTtlSeconds() * 1000L);
  }

  @Override
  public Future<?> start() {
    store = CameraStore.open(vertx, config.db());
    bcrypt = new Bcrypt(vertx, config.auth().bcryptCost());
    MessageConsumer<Object> changes = vertx.eventBus().consumer(ClusterNames.CAMERA_CHANGED, this::onCameraChanged);
    MessageConsumer<Object> logins = vertx.eventBus().consumer(ClusterNames.BROKER_AUTHENTICATE, this::onLogin);
    return Future.all(changes.completion(), logins.completion());
  }

  @Override
  public Future<?> stop() {
    bcrypt.close();
    return store.close();
  }

  private void onCameraChanged(Message<Object> msg) {
    try {
      cache.invalidate(CameraChanged.fromBody(msg.body()).cameraId());
    } catch (ProtocolException e) {
      meters.counter("cluster.messages.malformed", "address", ClusterNames.CAMERA_CHANGED).increment();
      LOG.warn("ignoring malformed {} message: {}", ClusterNames.CAMERA_CHANGED, e.getMessage());
    }
  }

  private void onLogin(Message<Object> msg) {
    BrokerLoginRequest login;
    try {
      login = ClusterMessages.fromJson(msg.body(), BrokerLoginRequest.class).requireComplete();
    } catch (ProtocolException e) {
      msg.reply(ClusterMessages.toJson(refuse(null, "bad_request", "malformed login check: " + e.getMessage())));
      return;
    }
    long notAfter = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BrokerAuthClient.TIMEOUT_MS);
    decide(login, notAfter)
        .otherwise(e -> {
          if (e instanceof Bcrypt.TooLate) return refuse(null, BUSY, null);
          LOG.warn("login check for {} failed: {}", login.username(), e.getMessage());
          return refuse(null, UNAVAILABLE, null);
        })
        .onSuccess(decision -> msg.reply(ClusterMessages.toJson(decision)));
  }

  private Future<BrokerLoginDecision> decide(BrokerLoginRequest login, long notAfterNanos) {
    String serviceHash = config.serviceAccounts().get(login.username());
    if (serviceHash != null) {
      if (!Sha256.matchesHex(login.password(), serviceHash)) {
        return Future.succeededFuture(refuse(null, "bad_credentials", "service account " + login.username()));
      }
      meters.counter("broker.auth.accepted", "role", "service").increment();
      return Future.succeededFuture(BrokerLoginDecision.service());
    }
    String id = login.username();
    if (!CameraIds.isValid(id)) return Future.succeededFuture(refuse(null, "unknown_user", null));
    if (!id.equals(login.clientId())) return Future.succeededFuture(refuse(id, "client_id_mismatch", null));
    if (cache.matches(id, login.password(), System.currentTimeMillis())) return Future.succeededFuture(accept(id));
    long epoch = cache.epoch();
    return store.devices().find(id).compose(found -> checkCamera(id, found, login.password(), epoch, notAfterNanos));
  }

  private Future<BrokerLoginDecision> checkCamera(String id, Optional<Device> found, String secret, long epoch,
      long notAfterNanos) {
    if (found.isEmpty()) return Future.succeededFuture(refuse(id, "unknown_user", null));
    Device device = found.get();
    if (!device.enabled()) return Future.succeededFuture(refuse(id, "disabled", null));
    return bcrypt.verify(secret, device.secretHash(), notAfterNanos).map(ok -> {
      if (!ok) return refuse(id, "bad_credentials", null);
      cache.put(id, secret, System.currentTimeMillis(), epoch);
      return accept(id);
    });
  }

  private BrokerLoginDecision accept(String cameraId) {
    meters.counter("broker.auth.accepted", "role", "camera").increment();
    store.devices().touch(cameraId)
        .onFailure(e -> LOG.warn("last_seen_at of {} not updated: {}", cameraId, e.getMessage()));
    return BrokerLoginDecision.camera(cameraId);
  }

  /** Counts and audits a refusal; {@code detail} goes to the audit row only, never a secret. */
  private BrokerLoginDecision refuse(String cameraId, String reason, String detail) {
    LOG.info("broker login refused: camera={} reason={}", cameraId, reason);
    meters.counter("broker.auth.refused", "reason", reason).increment();
    // Overload and outages are counted, not audited: a storm must not also flood the audit table.
    if (!UNAVAILABLE.equals(reason) && !BUSY.equals(reason)) {
      store.audit().record(cameraId, ACTION, AuditRepository.REFUSED, detail == null ? reason : reason + ": " + detail);
    }
    return BrokerLoginDecision.refused(reason);
  }
}
