package io.ipchls.credential.broker;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.auth.Bcrypt;
import io.ipchls.credential.auth.ReservedIds;
import io.ipchls.credential.auth.SecretHashes;
import io.ipchls.credential.db.CameraStore;
import io.ipchls.credential.db.Device;
import io.ipchls.credential.db.DeviceRepository.LoginLookup;
import io.ipchls.credential.db.LoginFailures;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.cluster.ClusterSeal;
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
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the broker's login checks on {@link ClusterNames#BROKER_AUTHENTICATE}: service accounts by SHA-256 of their
 * configured password, cameras by their registered secret (client id must equal the camera id): a SHA-256 hash is
 * compared in constant time on the event loop (microseconds), a bcrypt hash from before issue 15 is checked on
 * {@link Bcrypt}'s workers and, when it matches, replaced by the secret's SHA-256 (counted as
 * {@code broker_auth_rehashed_total}). Every hash check is counted as {@code broker_auth_hash_checks_total{scheme}}.
 *
 * <p>Refused before any hash check: camera ids in the services' namespace ({@link ReservedIds}, {@code reserved_id}),
 * and camera ids or source addresses with too many failed logins in their window ({@code throttled}; counts in
 * {@code credential.login_failures}, read in the same query as the camera, so every instance shares them). Successful
 * camera logins are cached for {@code auth.cacheTtlSeconds}; {@link ClusterNames#CAMERA_CHANGED} clears a camera's
 * entry on every instance. The embedded broker's hook and the external-broker HTTP endpoint both ask here, so both get
 * the same decisions. Counted as {@code broker_auth_accepted_total{role}} and {@code broker_auth_refused_total{reason}};
 * refusals are audited as one row per camera, address and reason per {@code audit.refusalIntervalSeconds}
 * ({@link RefusalAudit}).
 */
public final class BrokerAuthVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerAuthVerticle.class);
  private static final String UNAVAILABLE = BrokerLoginDecision.UNAVAILABLE;
  private static final String BUSY = "busy";
  static final String THROTTLED = "throttled";
  static final String RESERVED = "reserved_id";

  private final CredentialConfig config;
  private final MeterRegistry meters;
  private final AuthCache cache;
  private final ReservedIds reserved;
  private final RefusalAudit refusals = new RefusalAudit();
  private CameraStore store;
  private Bcrypt bcrypt;
  private LoginLookups lookups;
  private long flushTimer = -1;

  public BrokerAuthVerticle(CredentialConfig config, MeterRegistry meters) {
    this.config = config;
    this.meters = meters;
    this.cache = new AuthCache(config.auth().cacheTtlSeconds() * 1000L);
    this.reserved = new ReservedIds(config.serviceAccounts().keySet());
  }

  @Override
  public Future<?> start() {
    store = CameraStore.open(vertx, config.db());
    bcrypt = new Bcrypt(vertx, config.auth().bcryptCost());
    lookups = new LoginLookups(store.devices(), config.auth().failureWindowSeconds());
    flushTimer = vertx.setPeriodic(config.audit().refusalIntervalSeconds() * 1000L, t -> flushRefusals());
    MessageConsumer<Object> changes = vertx.eventBus().consumer(ClusterNames.CAMERA_CHANGED, this::onCameraChanged);
    MessageConsumer<Object> logins = vertx.eventBus().consumer(ClusterNames.BROKER_AUTHENTICATE, this::onLogin);
    return Future.all(changes.completion(), logins.completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(flushTimer);
    bcrypt.close();
    return flushRefusals().eventually(() -> store.close());
  }

  private Future<Void> flushRefusals() {
    return store.audit().recordCounted(refusals.drain());
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
    BrokerLoginRequest sealed;
    try {
      sealed = ClusterMessages.fromJson(msg.body(), BrokerLoginRequest.class).requireComplete();
    } catch (ProtocolException e) {
      reply(msg, refuse(null, null, "bad_request", "malformed login check"));
      return;
    }
    BrokerLoginRequest login;
    try {
      login = new BrokerLoginRequest(sealed.clientId(), sealed.username(), ClusterSeal.of(vertx)
          .open(BrokerAuthClient.sealPurpose(sealed.clientId(), sealed.username()), sealed.password()),
          sealed.sourceAddress());
    } catch (ClusterSeal.SealException e) {
      meters.counter("broker.auth.unsealed").increment();
      reply(msg, refuse(null, null, "bad_request", "login check not sealed with this"
          + " cluster's secret: " + e.getMessage()));
      return;
    }
    long notAfter = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BrokerAuthClient.TIMEOUT_MS);
    decide(login, notAfter)
        .otherwise(e -> {
          if (e instanceof Bcrypt.TooLate || e instanceof LoginLookups.TooLate) return refuse(null, null, BUSY, null);
          LOG.warn("login check for {} failed: {}", login.username(), e.getMessage());
          return refuse(null, null, UNAVAILABLE, null);
        })
        .onSuccess(decision -> reply(msg, decision));
  }

  /** Answers sealed for the request, so the asking member knows the answer came from a member with the secret. */
  private void reply(Message<Object> msg, BrokerLoginDecision decision) {
    msg.reply(BrokerAuthClient.sealReply(vertx, msg.body() instanceof JsonObject j ? j : null, decision));
  }

  private Future<BrokerLoginDecision> decide(BrokerLoginRequest login, long notAfterNanos) {
    String source = login.sourceAddress();
    String serviceHash = config.serviceAccounts().get(login.username());
    if (serviceHash != null) {
      if (!Sha256.matchesHex(login.password(), serviceHash)) {
        return Future.succeededFuture(refuse(null, source, "bad_credentials", "service account " + login.username()));
      }
      meters.counter("broker.auth.accepted", "role", "service").increment();
      return Future.succeededFuture(BrokerLoginDecision.service());
    }
    String id = login.username();
    if (!CameraIds.isValid(id)) return Future.succeededFuture(refuse(null, source, "unknown_user", null));
    if (reserved.isReserved(id) || reserved.isReserved(login.clientId())) {
      return Future.succeededFuture(refuse(id, source, RESERVED, null));
    }
    if (!id.equals(login.clientId())) return Future.succeededFuture(refuse(id, source, "client_id_mismatch", null));
    if (cache.matches(id, login.password(), System.currentTimeMillis())) return Future.succeededFuture(accept(id));
    long epoch = cache.epoch();
    String idKey = LoginFailures.idKey(id);
    String addressKey = LoginFailures.addressKey(source);
    return lookups.find(id, idKey, addressKey, notAfterNanos)
        .compose(found -> checkCamera(id, source, found, login.password(), epoch, notAfterNanos));
  }

  private Future<BrokerLoginDecision> checkCamera(String id, String source, LoginLookup found, String secret,
      long epoch, long notAfterNanos) {
    if (found.idFailures() >= config.auth().maxFailuresPerCamera()
        || found.addressFailures() >= config.auth().maxFailuresPerAddress()) {
      return Future.succeededFuture(refuse(id, source, THROTTLED, null));
    }
    if (found.device().isEmpty()) return failed(id, source, "unknown_user");
    Device device = found.device().get();
    if (!device.enabled()) return Future.succeededFuture(refuse(id, source, "disabled", null));
    Future<Boolean> matches;
    if (SecretHashes.SHA256.equals(device.secretScheme())) {
      meters.counter("broker.auth.hash.checks", "scheme", SecretHashes.SHA256).increment();
      matches = Future.succeededFuture(SecretHashes.matchesSha256(secret, device.secretHash()));
    } else {
      matches = bcrypt.verify(secret, device.secretHash(), notAfterNanos)
          .onSuccess(x -> meters.counter("broker.auth.hash.checks", "scheme", SecretHashes.BCRYPT).increment())
          .compose(ok -> ok ? rehash(device, secret).map(true) : Future.succeededFuture(false));
    }
    return matches.compose(ok -> {
      if (!ok) return failed(id, source, "bad_credentials");
      cache.put(id, secret, System.currentTimeMillis(), epoch);
      if (found.idFailures() > 0) {
        store.failures().clear(LoginFailures.idKey(id))
            .onFailure(e -> LOG.warn("failed logins of {} not cleared: {}", id, e.getMessage()));
      }
      return Future.succeededFuture(accept(id));
    });
  }

  /** A bcrypt hash that matched is replaced by the secret's SHA-256; a failure to do so does not fail the login. */
  private Future<Void> rehash(Device device, String secret) {
    return store.devices().rehash(device.id(), device.secretHash(), SecretHashes.sha256(secret))
        .onSuccess(done -> {
          if (done) meters.counter("broker.auth.rehashed").increment();
        })
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("secret hash of {} not upgraded: {}", device.id(), e.getMessage());
          return Future.succeededFuture();
        });
  }

  /** A refusal that counts against the camera id and the source address. */
  private Future<BrokerLoginDecision> failed(String id, String source, String reason) {
    List<String> keys = new ArrayList<>(2);
    keys.add(LoginFailures.idKey(id));
    String addressKey = LoginFailures.addressKey(source);
    if (addressKey != null) keys.add(addressKey);
    // Counted before the answer, so the client's next attempt (on any instance) already sees it.
    return store.failures().record(keys, config.auth().failureWindowSeconds())
        .recover(e -> {
          LOG.warn("failed login of {} not counted: {}", id, e.getMessage());
          return Future.succeededFuture();
        })
        .map(v -> refuse(id, source, reason, null));
  }

  private BrokerLoginDecision accept(String cameraId) {
    meters.counter("broker.auth.accepted", "role", "camera").increment();
    lookups.touch(cameraId);
    return BrokerLoginDecision.camera(cameraId);
  }

  /** Counts a refusal and adds it to the interval's audit rows; {@code detail} goes to the audit only, never a secret. */
  private BrokerLoginDecision refuse(String cameraId, String source, String reason, String detail) {
    LOG.debug("broker login refused: camera={} source={} reason={}", cameraId, source, reason);
    meters.counter("broker.auth.refused", "reason", reason).increment();
    // Overload and outages are counted, not audited: a storm must not also flood the audit table.
    if (!UNAVAILABLE.equals(reason) && !BUSY.equals(reason)) {
      refusals.count(cameraId, source, detail == null ? reason : reason + ": " + detail);
    }
    return BrokerLoginDecision.refused(reason);
  }
}
