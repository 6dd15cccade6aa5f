package io.ipchls.kit.http;

import io.ipchls.kit.config.HttpConfig;
import io.ipchls.kit.ops.OpsView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * Where a service serves {@code /metrics} and the ops view {@code /ops/v1/...} (issue 15 item 4: neither is public).
 * By default on the service's own port behind the admin bearer token (Prometheus sends it with
 * {@code authorization: {credentials: ...}}); a service without an admin token serves neither there. With
 * {@code http.adminPort} set, both (and {@code /health}) are served without a token on a second listener at
 * {@code http.adminHost:http.adminPort} (127.0.0.1 by default: an admin interface that only operators and Prometheus
 * reach), and not on the main port. Owned by the service's HTTP verticle: {@link #mount} its router, {@link #start}
 * and {@link #stop} with it.
 */
public final class AdminEndpoints {
  public static final String METRICS = "/metrics";

  private final Vertx vertx;
  private final HttpConfig http;
  private final Metrics metrics;
  private final String adminTokenSha256;
  private final Health health;
  private HttpServer server;

  /**
   * @param adminTokenSha256 lower-case hex SHA-256 of the admin token, or null when the service has none
   */
  public AdminEndpoints(Vertx vertx, HttpConfig http, Metrics metrics, String adminTokenSha256, Health health) {
    this.vertx = vertx;
    this.http = http;
    this.metrics = metrics;
    this.adminTokenSha256 = adminTokenSha256;
    this.health = health;
  }

  /** Adds {@code /metrics} and {@code /ops/v1/...} behind the admin token, unless they have their own listener. */
  public void mount(Router router) {
    if (http.adminListener() || adminTokenSha256 == null) return;
    router.get(METRICS).handler(new BearerTokenAuth(adminTokenSha256, "admin")).handler(metrics::handle);
    new OpsView(vertx).mount(router, adminTokenSha256);
  }

  /** Starts the admin listener when {@code http.adminPort} is set; else nothing. */
  public Future<Void> start() {
    if (!http.adminListener()) return Future.succeededFuture();
    Router router = Router.router(vertx);
    router.get("/health").handler(health::handle);
    router.get(METRICS).handler(metrics::handle);
    new OpsView(vertx).mountOnAdminListener(router);
    Routes.installErrorHandling(router);
    return vertx.createHttpServer(http.serverOptions()).requestHandler(router).listen(http.adminPort(), http.adminHost())
        .onSuccess(s -> server = s)
        .mapEmpty();
  }

  /** The admin listener's port (its actual one when configured as 0), or -1 without one. */
  public int adminPort() {
    return server == null ? -1 : server.actualPort();
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
