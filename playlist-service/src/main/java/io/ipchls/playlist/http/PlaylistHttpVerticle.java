package io.ipchls.playlist.http;

import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.Health;
import io.ipchls.kit.http.Metrics;
import io.ipchls.kit.http.Routes;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.s3.SegmentUrlSigner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** The viewer-facing HTTP API: playlists, the web player, health and metrics. */
public final class PlaylistHttpVerticle extends VerticleBase {
  /** Where WebJars keep their files on the classpath (hls.js). */
  static final String WEBJARS = "META-INF/resources/webjars";

  private final PlaylistConfig cfg;
  private final Metrics metrics = new Metrics();
  private Pool pool;
  private SegmentUrlSigner signer;
  private HttpServer server;

  public PlaylistHttpVerticle(PlaylistConfig cfg) {
    this.cfg = cfg;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, cfg.db());
    signer = new SegmentUrlSigner(cfg.s3());
    SegmentRepository segments = new SegmentRepository(pool);
    var handlers = new PlaylistHandlers(vertx, cfg, segments, signer, metrics.registry(), Clock.systemUTC());
    var health = new Health().check("db", segments::ping);
    return vertx.createHttpServer()
        .requestHandler(router(handlers, health))
        .listen(cfg.http().port(), cfg.http().host())
        .onSuccess(s -> server = s);
  }

  private Router router(PlaylistHandlers handlers, Health health) {
    Router router = Router.router(vertx);
    router.get("/playlist.m3u8").handler(handlers::live);
    router.get("/replay.m3u8").handler(handlers::replay);
    router.get("/health").handler(health::handle);
    router.get("/metrics").handler(metrics::handle);
    router.get("/webjars/*").handler(StaticHandler.create(WEBJARS));
    router.get("/*").handler(StaticHandler.create("webroot"));
    Routes.installErrorHandling(router);
    return router;
  }

  /** The port actually bound (the configured one, or the one picked for port 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> pool.close()).eventually(() -> {
      signer.close();
      return Future.succeededFuture();
    });
  }
}
