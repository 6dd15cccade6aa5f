package io.ipchls.ingest;

import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.BearerTokenAuth;
import io.ipchls.kit.http.Health;
import io.ipchls.kit.http.Metrics;
import io.ipchls.kit.http.Routes;
import io.ipchls.kit.ops.OpsReporter;
import io.ipchls.kit.ops.OpsView;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * ingest-service's HTTP port: {@code GET /health} (database, MQTT), {@code GET /metrics} (Prometheus) and, when an admin
 * token is configured, the admin API under {@code /api/v1/} (bearer token, JSON bodies up to 64 KiB) into which each
 * {@link AdminApi} mounts its routes, and the cluster's ops view under {@code /ops/v1/} (same token). Publishes this
 * instance's ops snapshot into the cluster ({@link OpsReporter}).
 */
public final class IngestHttpVerticle extends VerticleBase {
  /** A part of the admin API; {@code api} is a router mounted at {@code /api/v1}, already authenticated. */
  public interface AdminApi {
    void mount(Router api, Pool pool);
  }

  private static final long MAX_BODY_BYTES = 64 * 1024;

  private final List<AdminApi> adminApis = new ArrayList<>();
  private final IngestConfig config;
  private final Metrics metrics;
  private final BooleanSupplier mqttConnected;
  private Supplier<JsonObject> opsStats = JsonObject::new;
  private Pool pool;
  private HttpServer server;
  private OpsReporter ops;

  public IngestHttpVerticle(IngestConfig config, Metrics metrics, BooleanSupplier mqttConnected) {
    this.config = config;
    this.metrics = metrics;
    this.mqttConnected = mqttConnected;
  }

  /** Adds a part of the admin API (before deployment). */
  public IngestHttpVerticle adminApi(AdminApi api) {
    adminApis.add(api);
    return this;
  }

  /** What this instance reports in its ops snapshot (before deployment). */
  public IngestHttpVerticle opsStats(Supplier<JsonObject> stats) {
    this.opsStats = stats;
    return this;
  }

  @Override
  public Future<?> start() {
    DbConfig db = config.db();
    pool = Database.pool(vertx, db.withPoolSize(Math.min(4, db.maxPoolSize())));
    Health health = health();
    ops = new OpsReporter(vertx, "ingest-service", health, opsStats);
    return vertx.createHttpServer()
        .requestHandler(routes(health))
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> server = s)
        .compose(s -> ops.httpPort(s.actualPort()).start());
  }

  private Health health() {
    return new Health()
        .check("db", () -> pool.query("SELECT 1").execute())
        .check("mqtt", () -> mqttConnected.getAsBoolean()
            ? Future.succeededFuture() : Future.failedFuture("not connected"));
  }

  private Router routes(Health health) {
    Router router = Router.router(vertx);
    router.get("/health").handler(health::handle);
    router.get("/metrics").handler(metrics::handle);
    if (config.adminTokenSha256() != null) {
      Router api = Router.router(vertx);
      api.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
      api.route().handler(new BearerTokenAuth(config.adminTokenSha256(), "admin"));
      adminApis.forEach(a -> a.mount(api, pool));
      api.route().handler(ctx -> ctx.fail(ApiException.notFound("no such API: " + ctx.request().path())));
      router.route("/api/v1/*").subRouter(api);
      new OpsView(vertx).mount(router, config.adminTokenSha256());
    }
    Routes.installErrorHandling(router);
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
