package io.ipchls.playlist.http;

import io.ipchls.kit.db.Database;
import io.ipchls.kit.http.AdminEndpoints;
import io.ipchls.kit.http.ApiDocument;
import io.ipchls.kit.http.AdminAuth;
import io.ipchls.kit.http.Health;
import io.ipchls.kit.http.Metrics;
import io.ipchls.kit.http.Routes;
import io.ipchls.kit.ops.OpsReporter;
import io.ipchls.kit.registry.CameraRegistryReader;
import io.vertx.core.json.JsonObject;
import io.ipchls.playlist.metering.PlaybackMeter;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.auth.ViewerTokens;
import io.ipchls.playlist.db.EventRepository;
import io.ipchls.playlist.db.ExportRepository;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.events.SegmentsIndexedFeed;
import io.ipchls.playlist.live.LiveWindows;
import io.ipchls.playlist.s3.ExportStore;
import io.ipchls.playlist.s3.QueryPresigner;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer-facing HTTP API: playlists (live, replay, multivariant), the JSON APIs, clip export, the segment proxy, the web player, health, metrics and the
 * API's OpenAPI document ({@code /openapi.yaml}); plus
 * the live windows this instance keeps and the event-bus feed that moves them.
 */
public final class PlaylistHttpVerticle extends VerticleBase {
  static final long MAX_BODY_BYTES = 64 * 1024;
  static final String API_DOCUMENT = "openapi/playlist-service.yaml";
  /** How often expired clip exports are deleted (each instance sweeps; deleting twice is harmless). */
  static final long EXPORT_SWEEP_MS = 600_000;
  private static final Logger LOG = LoggerFactory.getLogger(PlaylistHttpVerticle.class);

  private final PlaylistConfig cfg;
  private final Clock clock;
  private final Metrics metrics = new Metrics();
  private Pool pool;
  private HttpClient storeClient;
  private SegmentsIndexedFeed feed;
  private LiveWindows live;
  private HttpServer server;
  private AdminEndpoints admin;
  private long evictTimer = -1;
  private OpsReporter ops;
  private Router router;
  private ShortLinkResolver shortLinkResolver;
  private PlaybackMeter meter;
  private long meterTimer = -1;
  private CameraRegistryReader registry;
  private ExportStore exportStore;
  private ExportHandlers exports;
  private long exportSweepTimer = -1;

  public PlaylistHttpVerticle(PlaylistConfig cfg) {
    this(cfg, Clock.systemUTC());
  }

  public PlaylistHttpVerticle(PlaylistConfig cfg, Clock clock) {
    this.cfg = cfg;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, cfg.db());
    SegmentRepository segments = new SegmentRepository(pool);
    meter = new PlaybackMeter(pool, clock);
    meterTimer = meter.start(vertx, cfg.usage().flushSeconds());
    live = LiveWindows.create(vertx, segments, cfg.liveWindowSegments(), cfg.liveRefreshSeconds() * 1000L, clock);
    evictTimer = vertx.setPeriodic(60_000, t -> live.evictIdle());
    feed = new SegmentsIndexedFeed(live);
    Gauge.builder("playlist.live.cameras", live, LiveWindows::size).register(metrics.registry());
    Gauge.builder("playlist.events.malformed", feed, SegmentsIndexedFeed::malformed).register(metrics.registry());
    SegmentLinks links;
    SegmentProxy proxy = null;
    QueryPresigner publicSigner = null;
    // the store as this service reads it (the segment proxy, clip export); an https store: its certificate and host
    // name are verified (against s3.caFile when set)
    HttpClientOptions storeOptions = new HttpClientOptions().setKeepAlive(true).setVerifyHost(true);
    if (!cfg.s3().caFile().isBlank()) storeOptions.setTrustOptions(new PemTrustOptions().addCertPath(cfg.s3().caFile()));
    storeClient = vertx.createHttpClient(storeOptions);
    QueryPresigner internalSigner = new QueryPresigner(cfg.s3(), cfg.s3().endpointUri());
    var clips = new ClipExport(vertx, segments, internalSigner, storeClient, meter);
    exportStore = new ExportStore(cfg.s3());
    var exportJobs = new ExportRepository(pool);
    // export URLs are presigned for viewers on the public endpoint, whatever segmentAccess says
    exports = new ExportHandlers(vertx, cfg.exports(), segments, exportJobs,
        new ExportRunner(vertx, clips, exportJobs, exportStore, meter),
        exportStore, new QueryPresigner(cfg.s3(), cfg.s3().publicEndpointUri()), meter, clock);
    exportSweepTimer = vertx.setPeriodic(EXPORT_SWEEP_MS, t -> exports.sweep()
        .onFailure(e -> LOG.warn("clip export sweep failed (tried again in {} s): {}", EXPORT_SWEEP_MS / 1000,
            e.toString())));
    if (cfg.segmentAccess() == SegmentAccess.PROXY) {
      proxy = new SegmentProxy(segments, internalSigner, storeClient, meter);
      links = SegmentLinks.proxy();
    } else {
      publicSigner = new QueryPresigner(cfg.s3(), cfg.s3().publicEndpointUri());
      links = SegmentLinks.presigned(publicSigner);
    }
    // short links are signed with a key every instance derives from a secret they share: the viewer-token key, or in
    // open mode (where nothing needs a token) the S3 secret key
    ShortLinks shortLinks = new ShortLinks(cfg.viewer().open() ? cfg.s3().secretAccessKey() : cfg.viewer().jwtSecret());
    shortLinkResolver = new ShortLinkResolver(shortLinks, segments, publicSigner,
        Duration.ofSeconds(cfg.presignSeconds()), proxy, meter, clock);
    ViewerTokens tokens = cfg.viewer().open() ? null : new ViewerTokens(vertx, cfg.viewer().jwtSecret(), clock);
    var events = new EventHandlers(new EventRepository(pool), segments);
    var playlists = new PlaylistHandlers(vertx, cfg, segments, live, links, shortLinks, events, metrics.registry(),
        meter, clock);
    registry = new CameraRegistryReader(pool);
    var api = new ApiHandlers(cfg, segments, tokens, registry, clock);
    var thumbnails = new ThumbnailHandlers(segments, publicSigner, proxy, Duration.ofSeconds(cfg.presignSeconds()),
        Duration.ofHours(cfg.maxReplayHours()), clock);
    var health = new Health().check("db", segments::ping);
    var usage = new UsageHandler(pool, cfg.usage().prices(), clock);
    router = router(playlists, api, thumbnails, events, clips, exports, usage, proxy,
        new ViewerAuth(tokens, registry::accountCameras), health);
    ops = new OpsReporter(vertx, "playlist-service", health, this::opsStats);
    return vertx.deployVerticle(feed)
        .compose(x -> vertx.createHttpServer(cfg.http().serverOptions()).requestHandler(router).listen(cfg.http().port(), cfg.http().host()))
        .onSuccess(s -> server = s)
        .compose(s -> admin.start())
        .compose(v -> ops.httpPort(server.actualPort()).start());
  }

  /** This instance's figures for its ops snapshot. */
  private JsonObject opsStats() {
    JsonObject requests = new JsonObject();
    metrics.registry().find("playlist.requests").counters().forEach(c -> {
      String key = c.getId().getTag("kind") + " " + c.getId().getTag("status");
      requests.put(key, (long) c.count());
    });
    return new JsonObject().put("liveWindowsMirrored", live.size()).put("requests", requests)
        .put("eventsMalformed", feed.malformed());
  }

  private Router router(PlaylistHandlers playlists, ApiHandlers api, ThumbnailHandlers thumbnails,
      EventHandlers events, ClipExport clips, ExportHandlers exports, UsageHandler usage, SegmentProxy proxy,
      ViewerAuth viewer, Health health) {
    Router router = Router.router(vertx);
    router.route().handler(new CrossOrigin(cfg.cors()));
    HeadRequests.answerAsGet(router);
    router.get("/health").handler(health::handle);
    // /metrics and /ops/v1/...: behind the admin token, or on the admin listener (http.adminPort)
    admin = new AdminEndpoints(vertx, cfg.http(), metrics, cfg.adminTokenSha256(), health);
    admin.mount(router);
    if (cfg.adminTokenSha256() != null) {
      // the operator's admin token, or an account admin token (issue 19 item 2) for its own account's cameras
      router.post("/api/v1/viewer-tokens").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
          .handler(new AdminAuth(cfg.adminTokenSha256(), registry::accountForAdminToken)).handler(api::mintViewerToken);
    }
    router.get("/playlist.m3u8").handler(viewer).handler(playlists::live);
    router.get("/replay.m3u8").handler(viewer).handler(playlists::replay);
    router.get("/iframes.m3u8").handler(viewer).handler(playlists::iFrames);
    router.get("/multivariant.m3u8").handler(viewer).handler(playlists::multivariant);
    router.get("/api/v1/cameras").handler(viewer).handler(api::cameras);
    router.get("/api/v1/cameras/:id/recordings").handler(viewer).handler(api::recordings);
    router.get("/api/v1/cameras/:id/timeline").handler(viewer).handler(api::timeline);
    router.get("/api/v1/cameras/:id/clip.mp4").handler(viewer).handler(clips::handle);
    router.get("/api/v1/cameras/:id/usage").handler(viewer).handler(usage::handle);
    router.get("/api/v1/cameras/:id/thumbnail").handler(viewer).handler(thumbnails::nearest);
    router.get("/api/v1/cameras/:id/thumbnails").handler(viewer).handler(thumbnails::list);
    router.post("/api/v1/cameras/:id/exports").handler(viewer).handler(exports::create);
    router.get("/api/v1/cameras/:id/exports/:exportId").handler(viewer).handler(exports::get);
    router.get("/api/v1/events").handler(viewer).handler(events::search);
    if (proxy != null) router.get("/segments/:camera/:start/*").handler(viewer).handler(proxy::handle);
    if (proxy != null) router.get("/inits/:camera/:start/*").handler(viewer).handler(proxy::handleInit);
    if (proxy != null) {
      router.get("/" + ThumbnailHandlers.THUMBS + "/:camera/:start/*").handler(viewer).handler(thumbnails::proxied);
    }
    router.get("/" + ShortLinks.PREFIX + "/:camera/:grant/:file").handler(shortLinkResolver::handle);
    ApiDocument.mount(router, API_DOCUMENT);
    // the web player and, under vendor/, hls.js as the build fetched it from the npm registry
    router.get("/*").handler(StaticHandler.create("webroot"));
    Routes.installErrorHandling(router);
    return router;
  }

  /** The route table as started; the API document's test holds it against the document. */
  Router router() {
    return router;
  }

  /** Runs one clip export sweep now (tests; normally every {@value #EXPORT_SWEEP_MS} ms). */
  Future<Integer> sweepExports() {
    return exports.sweep();
  }

  /** The port actually bound (the configured one, or the one picked for port 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (evictTimer >= 0) vertx.cancelTimer(evictTimer);
    if (meterTimer >= 0) vertx.cancelTimer(meterTimer);
    if (exportSweepTimer >= 0) vertx.cancelTimer(exportSweepTimer);
    if (exportStore != null) exportStore.close();
    Future<Void> counted = meter == null ? Future.succeededFuture() : meter.flush().recover(e -> Future.succeededFuture());
    Future<Void> left = counted.eventually(() -> ops == null ? Future.succeededFuture() : ops.stop());
    Future<Void> closed = left.eventually(() -> server == null ? Future.succeededFuture() : server.close());
    return closed.eventually(() -> feed.deploymentID() == null ? Future.succeededFuture()
        : vertx.undeploy(feed.deploymentID()).recover(e -> Future.succeededFuture())).eventually(() -> pool.close())
        .eventually(() -> storeClient == null ? Future.succeededFuture() : storeClient.close());
  }
}
