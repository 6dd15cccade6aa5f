package io.ipchls.ingest;

import static io.ipchls.ingest.control.RecordingControlHandlers.FILES;
import static io.ipchls.ingest.control.RecordingControlHandlers.TASKS;
import static io.ipchls.ingest.control.RecordingControlHandlers.TEMPLATES;

import io.ipchls.ingest.callbacks.Callbacks;
import io.ipchls.ingest.callbacks.WebhookHandlers;
import io.ipchls.ingest.control.RecordingControl;
import io.ipchls.ingest.control.RecordingControlHandlers;
import io.ipchls.ingest.events.EventHandlers;
import io.ipchls.ingest.events.Events;
import io.ipchls.ingest.quota.QuotaHandlers;
import io.ipchls.ingest.usage.Usage;
import io.ipchls.ingest.usage.UsageHandlers;
import io.ipchls.ingest.shared.IngestPools;
import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.http.AdminEndpoints;
import io.ipchls.kit.http.ApiDocument;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.AdminAuth;
import io.ipchls.kit.registry.CameraRegistryReader;
import io.ipchls.kit.http.Health;
import io.ipchls.kit.http.Metrics;
import io.ipchls.kit.http.Routes;
import io.ipchls.kit.ops.OpsReporter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * ingest-service's HTTP port, for every sub-domain: {@code GET /health} (database, MQTT), {@code GET /metrics}
 * (Prometheus) and, when an admin token is configured, the admin API under {@code /api/v1/} (bearer token, JSON bodies
 * up to 64 KiB: recording control, events, webhooks) and the cluster's ops view under {@code /ops/v1/} (same token).
 * The route table is {@link #router} and {@link #adminApi}; the handlers are in the sub-domains. The API's OpenAPI document
 * is at {@code /openapi.yaml}. Publishes this instance's ops snapshot into the cluster ({@link OpsReporter}).
 */
public final class IngestHttpVerticle extends VerticleBase {
  private static final long MAX_BODY_BYTES = 64 * 1024;

  /**
   * What the admin API serves: recording control's, callbacks', events' and usage's handlers are made on this
   * verticle's pool.
   */
  public record AdminParts(RecordingControl recordingControl, Callbacks callbacks, Events events, Usage usage) {}

  private final HttpConfig http;
  private final String adminTokenSha256;
  private final IngestPools pools;
  private final Metrics metrics;
  private final BooleanSupplier mqttConnected;
  private final AdminParts parts;
  private Supplier<JsonObject> opsStats = JsonObject::new;
  private Pool pool;
  private HttpServer server;
  private AdminEndpoints admin;
  private OpsReporter ops;
  private Router router;

  /** @param adminTokenSha256 the admin token's digest, or null for no admin API */
  public IngestHttpVerticle(HttpConfig http, String adminTokenSha256, IngestPools pools, Metrics metrics,
      BooleanSupplier mqttConnected, AdminParts parts) {
    this.http = http;
    this.adminTokenSha256 = adminTokenSha256;
    this.pools = pools;
    this.metrics = metrics;
    this.mqttConnected = mqttConnected;
    this.parts = parts;
  }

  /** What this instance reports in its ops snapshot (before deployment). */
  public IngestHttpVerticle opsStats(Supplier<JsonObject> stats) {
    this.opsStats = stats;
    return this;
  }

  @Override
  public Future<?> start() {
    pool = pools.open(vertx, "http", Math.min(4, pools.maxPoolSize()));
    Health health = health();
    ops = new OpsReporter(vertx, "ingest-service", health, opsStats);
    router = router(health);
    return vertx.createHttpServer(http.serverOptions())
        .requestHandler(router)
        .listen(http.port(), http.host())
        .onSuccess(s -> server = s)
        .compose(s -> admin.start())
        .compose(v -> ops.httpPort(server.actualPort()).start());
  }

  private Health health() {
    return new Health().database(pool).mqtt(mqttConnected);
  }

  private Router router(Health health) {
    Router router = Router.router(vertx);
    router.get("/health").handler(health::handle);
    // /metrics and /ops/v1/...: behind the admin token, or on the admin listener (http.adminPort)
    admin = new AdminEndpoints(vertx, http, metrics, adminTokenSha256, health);
    admin.mount(router);
    if (adminTokenSha256 != null) router.route("/api/v1/*").subRouter(adminApi());
    ApiDocument.mount(router, "openapi/ingest-service.yaml");
    Routes.installErrorHandling(router);
    return router;
  }

  /** {@code /api/v1}: recording control, events, and webhooks when callbacks have a master key. */
  private Router adminApi() {
    Router api = Router.router(vertx);
    // the token first: a request without it is refused before its body is read. Every call here is the operator's
    // but the usage report, which an account admin (issue 19 item 2) reads for its own account; any other call with
    // an account admin token is told so (403 operator_only)
    var registry = new CameraRegistryReader(pool);
    api.route().handler(new AdminAuth(adminTokenSha256, registry::accountForAdminToken));
    UsageHandlers usage = parts.usage().handlers(pool);
    api.get(UsageHandlers.MONTH_PATH).handler(usage::month);
    api.route().handler(AdminAuth::operatorOnly);
    api.route().handler(BodyHandler.create(/* handleFileUploads= */ false).setBodyLimit(MAX_BODY_BYTES));
    RecordingControlHandlers rc = parts.recordingControl().handlers(pool);
    api.post(TEMPLATES).respond(rc::addTemplate);
    api.get(TEMPLATES).respond(rc::listTemplates);
    api.get(TEMPLATES + "/:id").respond(rc::getTemplate);
    api.put(TEMPLATES + "/:id").respond(rc::updateTemplate);
    api.delete(TEMPLATES + "/:id").respond(rc::deleteTemplate);
    api.post(TASKS).respond(rc::startTask);
    api.get(TASKS).respond(rc::listTasks);
    api.get(TASKS + "/:id").respond(rc::getTask);
    api.put(TASKS + "/:id").respond(rc::updateTask);
    api.post(TASKS + "/:id/stop").respond(rc::stopTask);
    api.get(FILES).respond(rc::describeFiles);
    api.post(RecordingControlHandlers.TRIGGER).respond(rc::trigger);
    EventHandlers events = parts.events().handlers(pool);
    api.post(EventHandlers.PATH).respond(events::post);
    api.get(UsageHandlers.CAMERA_PATH).handler(usage::camera);
    QuotaHandlers quota = new QuotaHandlers(pool);
    api.put(QuotaHandlers.PATH).respond(quota::put);
    api.get(QuotaHandlers.PATH).respond(quota::get);
    api.delete(QuotaHandlers.PATH).respond(quota::delete);
    parts.callbacks().webhookHandlers(pool).ifPresent(wh -> webhookRoutes(api, wh));
    api.route().handler(ctx -> ctx.fail(ApiException.notFound("no such API: " + ctx.request().path())));
    return api;
  }

  private static void webhookRoutes(Router api, WebhookHandlers wh) {
    api.post("/webhooks").handler(wh::create);
    api.get("/webhooks").handler(wh::list);
    api.get("/webhooks/:id").handler(wh::get);
    api.delete("/webhooks/:id").handler(wh::delete);
    api.post("/webhooks/:id/secret").handler(wh::rotateSecret);
    api.get("/webhooks/:id/deliveries").handler(wh::deliveries);
    api.get("/webhooks/:id/deliveries/:deliveryId").handler(wh::delivery);
    api.post("/webhooks/:id/deliveries/:deliveryId/retry").handler(wh::retry);
  }

  /** The route table as started; the API document's test holds it against the document. */
  public Router router() {
    return router;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> left = ops == null ? Future.succeededFuture() : ops.stop();
    return left.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
