package io.ipchls.ingest.http;

import io.ipchls.ingest.IngestConfig;
import io.ipchls.kit.config.DbConfig;
import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.Health;
import io.ipchls.kit.http.Metrics;
import io.ipchls.kit.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.function.BooleanSupplier;

/** ingest-service's HTTP port: {@code GET /health} (database, MQTT) and {@code GET /metrics} (Prometheus). */
public final class IngestHttpVerticle extends VerticleBase {
  private final IngestConfig config;
  private final Metrics metrics;
  private final BooleanSupplier mqttConnected;
  private Pool pool;
  private HttpServer server;

  public IngestHttpVerticle(IngestConfig config, Metrics metrics, BooleanSupplier mqttConnected) {
    this.config = config;
    this.metrics = metrics;
    this.mqttConnected = mqttConnected;
  }

  @Override
  public Future<?> start() {
    DbConfig db = config.db();
    pool = Database.pool(vertx, new DbConfig(db.host(), db.port(), db.database(), db.user(), db.password(), 1));
    return vertx.createHttpServer()
        .requestHandler(routes())
        .listen(config.http().port(), config.http().host())
        .onSuccess(s -> server = s);
  }

  private Router routes() {
    Health health = new Health()
        .check("db", () -> pool.query("SELECT 1").execute())
        .check("mqtt", () -> mqttConnected.getAsBoolean()
            ? Future.succeededFuture() : Future.failedFuture("not connected"));
    Router router = Router.router(vertx);
    router.get("/health").handler(health::handle);
    router.get("/metrics").handler(metrics::handle);
    Routes.installErrorHandling(router);
    return router;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
