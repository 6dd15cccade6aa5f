package io.ipchls.credential.http;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.auth.ReservedIds;
import io.ipchls.credential.auth.SecretHashes;
import io.ipchls.credential.auth.Secrets;
import io.ipchls.protocol.CameraChanged;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.credential.db.AuditRepository;
import io.ipchls.credential.db.AuditRetention;
import io.ipchls.kit.jobs.PeriodicJob;
import io.ipchls.credential.db.CameraStore;
import io.ipchls.credential.db.Device;
import io.ipchls.credential.issuer.CredentialIssuer;
import io.ipchls.kit.http.AdminAuth;
import io.ipchls.kit.http.AdminCaller;
import io.ipchls.kit.http.AdminEndpoints;
import io.ipchls.kit.http.ApiDocument;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Health;
import io.ipchls.kit.http.Metrics;
import io.ipchls.kit.http.Routes;
import io.ipchls.kit.ops.OpsReporter;
import io.ipchls.credential.ops.CredentialStats;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.pgclient.PgException;
import java.util.function.BooleanSupplier;

/**
 * The admin HTTP API (camera registry), the external broker's auth hooks ({@link BrokerHookApi}), {@code /health},
 * {@code /metrics}, the cluster's ops view ({@code /ops/v1/}, admin token) and the API's OpenAPI document
 * ({@code /openapi.yaml}); publishes this instance's ops snapshot.
 */
public final class AdminApiVerticle extends VerticleBase {
  static final long MAX_BODY_BYTES = 4096;
  private static final String CAMERAS = "/api/v1/cameras";
  static final String API_DOCUMENT = "openapi/credential-service.yaml";
  /** The constraint name the registry's prefix trigger reports (credential V3). */
  static final String PREFIX_OVERLAP = "devices_prefix_no_overlap";

  private final CredentialConfig config;
  private final Metrics metrics;
  private final CredentialIssuer issuer;
  private final BooleanSupplier mqttConnected;
  private CameraStore store;
  private ReservedIds reserved;
  private HttpServer server;
  private AdminEndpoints admin;
  private OpsReporter ops;
  private Router router;
  private PeriodicJob<Integer> auditRetention;

  public AdminApiVerticle(CredentialConfig config, Metrics metrics, CredentialIssuer issuer,
      BooleanSupplier mqttConnected) {
    this.config = config;
    this.metrics = metrics;
    this.issuer = issuer;
    this.mqttConnected = mqttConnected;
  }

  @Override
  public Future<?> start() {
    store = CameraStore.open(vertx, config.db());
    reserved = new ReservedIds(config.serviceAccounts().keySet());
    Health health = health();
    ops = new OpsReporter(vertx, "credential-service", health, new CredentialStats(metrics.registry())::get);
    router = router(health);
    AuditRetention retention = new AuditRetention(store, config.audit().retentionDays(),
        config.auth().failureWindowSeconds(), config.rateLimit().burst() * config.rateLimit().refillSeconds());
    auditRetention = PeriodicJob.underClusterLock(vertx, AuditRetention.LOCK,
            config.audit().sweepIntervalSeconds() * 1000L, retention::sweep)
        .again(deleted -> deleted >= AuditRetention.BATCH)
        .start(Math.min(60_000L, config.audit().sweepIntervalSeconds() * 1000L));
    return vertx.createHttpServer(config.http().serverOptions()).requestHandler(router)
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> server = s)
        .compose(s -> admin.start())
        .compose(v -> ops.httpPort(server.actualPort()).start());
  }

  @Override
  public Future<?> stop() {
    return auditRetention.stop().eventually(() -> ops.stop())
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> admin == null ? Future.succeededFuture() : admin.stop())
        .eventually(() -> store.close());
  }

  private Health health() {
    return new Health().database(store.pool()).mqtt(mqttConnected);
  }

  private Router router(Health health) {
    Router r = Router.router(vertx);
    r.get("/health").handler(health::handle);
    // /metrics and /ops/v1/...: behind the admin token, or on the admin listener (http.adminPort)
    admin = new AdminEndpoints(vertx, config.http(), metrics, config.adminTokenSha256(), health);
    admin.mount(r);
    // the body (at most 4 KiB) first: an account admin token is checked asynchronously, after which the request has
    // ended; then the operator's admin token, or an account admin token (issue 19 item 2: its account's cameras only)
    r.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    r.route("/api/v1/*").handler(new AdminAuth(config.adminTokenSha256(), store.accounts()::forAdminTokenHash));
    r.post(CAMERAS).respond(this::registerCamera);
    r.get(CAMERAS).respond(this::listCameras);
    r.get(CAMERAS + "/:id").respond(this::getCamera);
    r.patch(CAMERAS + "/:id").respond(this::patchCamera);
    r.delete(CAMERAS + "/:id").respond(this::deleteCamera);
    r.post(CAMERAS + "/:id/secret").respond(this::rotateSecret);
    var accounts = new AccountHandlers(store);
    r.post(AccountHandlers.ACCOUNTS).respond(accounts::create);
    r.get(AccountHandlers.ACCOUNTS).respond(accounts::list);
    r.get(AccountHandlers.ACCOUNTS + "/:id").respond(accounts::get);
    r.patch(AccountHandlers.ACCOUNTS + "/:id").respond(accounts::update);
    r.delete(AccountHandlers.ACCOUNTS + "/:id").respond(accounts::delete);
    r.post(AccountHandlers.ACCOUNTS + "/:id/admin-token").respond(accounts::mintAdminToken);
    new BrokerHookApi(vertx, config, metrics.registry()).install(r);
    ApiDocument.mount(r, API_DOCUMENT);
    Routes.installErrorHandling(r);
    return r;
  }

  /** The route table as started; the API document's test holds it against the document. */
  public Router router() {
    return router;
  }

  private Future<JsonObject> registerCamera(RoutingContext ctx) {
    AdminCaller.requireOperator(ctx);
    var req = AdminRequests.Register.from(ctx);
    if (reserved.isReserved(req.id())) {
      throw ApiException.badRequest("reserved_id", "'" + req.id() + "' is reserved for the services: "
          + ReservedIds.rule());
    }
    String secret = Secrets.cameraSecret();
    return store.devices().insert(req.id(), SecretHashes.sha256(secret), req.prefix(), req.account())
        .recover(e -> Future.failedFuture(AccountHandlers.isForeignKey(e) ? AccountHandlers.unknownAccount(req.account())
            : prefixOverlap(req.prefix(), e)))
        .map(inserted -> inserted.orElseThrow(() -> ApiException.conflict("camera " + req.id() + " already exists")))
        .compose(device -> store.audit().record(device.id(), "camera.register", AuditRepository.OK, null).map(device))
        .map(device -> {
          ctx.response().setStatusCode(201).putHeader("Location", CAMERAS + "/" + device.id());
          return device.toJson().put("secret", secret);
        });
  }

  /** The operator lists every camera (or one account's, {@code ?account=}); an account admin its own account's. */
  private Future<JsonObject> listCameras(RoutingContext ctx) {
    var req = AdminRequests.Page.from(ctx);
    AdminCaller caller = AdminCaller.of(ctx);
    if (!caller.operator() && req.account() != null && !caller.account().equals(req.account())) {
      throw new ApiException(403, "other_account", "an account admin lists only its own account's cameras");
    }
    String account = caller.operator() ? req.account() : caller.account();
    return store.devices().page(req.after(), req.limit() + 1, account).map(found -> {
      boolean more = found.size() > req.limit();
      var page = more ? found.subList(0, req.limit()) : found;
      JsonArray cameras = new JsonArray();
      page.forEach(d -> cameras.add(d.toJson()));
      return new JsonObject().put("cameras", cameras).put("next", more ? page.get(page.size() - 1).id() : null);
    });
  }

  private Future<JsonObject> getCamera(RoutingContext ctx) {
    String id = AdminRequests.pathId(ctx);
    return ownCamera(ctx, id).map(Device::toJson);
  }

  /**
   * The camera, if the caller may act on it: the operator on any (404 when there is none), an account admin on its
   * account's only (403 for any other, unknown ones included, so the answer does not tell which ids exist).
   */
  private Future<Device> ownCamera(RoutingContext ctx, String id) {
    AdminCaller caller = AdminCaller.of(ctx);
    return store.devices().find(id).map(found -> {
      caller.requireCamera(id, found.map(Device::accountId).orElse(null));
      return found.orElseThrow(() -> notFound(id));
    });
  }

  /** {@code {enabled?, account?}}: an account admin may enable or disable its cameras; moving one is the operator's. */
  private Future<JsonObject> patchCamera(RoutingContext ctx) {
    var req = AdminRequests.Patch.from(ctx);
    if (req.setAccount()) AdminCaller.requireOperator(ctx);
    Future<Device> device = ownCamera(ctx, req.id());
    if (req.setAccount()) device = device.compose(d -> moveToAccount(d, req.account()));
    if (req.enabled() != null) device = device.compose(d -> setEnabled(d, req.enabled()));
    return device.map(Device::toJson);
  }

  private Future<Device> moveToAccount(Device device, String account) {
    return store.devices().setAccount(device.id(), account)
        .recover(e -> Future.failedFuture(AccountHandlers.isForeignKey(e) ? AccountHandlers.unknownAccount(account) : e))
        .map(found -> found.orElseThrow(() -> notFound(device.id())))
        .compose(d -> store.audit().record(d.id(), "camera.account", AuditRepository.OK,
            account == null ? "no account" : "account " + account).map(d));
  }

  private Future<Device> setEnabled(Device device, boolean enabled) {
    return store.devices().setEnabled(device.id(), enabled)
        .map(found -> found.orElseThrow(() -> notFound(device.id())))
        .compose(d -> (enabled ? Future.<Void>succeededFuture() : revoke(d.id()))
            .compose(v -> store.audit().record(d.id(), enabled ? "camera.enable" : "camera.disable",
                AuditRepository.OK, null))
            .map(d));
  }

  private Future<Void> deleteCamera(RoutingContext ctx) {
    AdminCaller.requireOperator(ctx);
    String id = AdminRequests.pathId(ctx);
    return store.devices().delete(id)
        .compose(deleted -> deleted ? revoke(id) : Future.failedFuture(notFound(id)))
        .compose(v -> store.audit().record(id, "camera.delete", AuditRepository.OK, null));
  }

  private Future<JsonObject> rotateSecret(RoutingContext ctx) {
    String id = AdminRequests.pathId(ctx);
    String secret = Secrets.cameraSecret();
    return ownCamera(ctx, id).compose(d -> store.devices().setSecretHash(id, SecretHashes.sha256(secret)))
        .compose(found -> found ? revoke(id) : Future.failedFuture(notFound(id)))
        .compose(v -> store.audit().record(id, "camera.rotate", AuditRepository.OK, null))
        .map(v -> new JsonObject().put("id", id).put("secret", secret));
  }

  /**
   * Forgets cached broker logins on every instance and revokes the camera's live storage keys, before the API answers:
   * after a disable, rotation or delete the old keys get 403 at once.
   */
  private Future<Void> revoke(String id) {
    vertx.eventBus().publish(ClusterNames.CAMERA_CHANGED, new CameraChanged(id).toBody());
    return issuer.revokeAll(id);
  }

  /**
   * The registry's trigger (credential V3) refuses a prefix equal to, inside or around another camera's: a 409 that
   * names that camera and its prefix. Any other failure passes through.
   */
  private static Throwable prefixOverlap(String prefix, Throwable e) {
    if (!(e instanceof PgException pg) || !PREFIX_OVERLAP.equals(pg.getConstraint())) return e;
    return new ApiException(409, "prefix_overlap", "prefix '" + prefix + "' overlaps prefix '" + pg.getHint()
        + "' of camera " + pg.getDetail() + ": prefixes may not be equal or nested");
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound("no camera " + id);
  }
}
