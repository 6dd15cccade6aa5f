package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.hls.HlsPlaylist;
import io.ipchls.playlist.s3.SegmentUrlSigner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Live and replay playlists: index rows → presigned segment URLs → RFC 8216 text. */
final class PlaylistHandlers {
  static final String MPEGURL = "application/vnd.apple.mpegurl";
  /** Presigning costs tens of microseconds per URL; longer playlists are signed on a worker, off the event loop. */
  static final int INLINE_SIGNING_LIMIT = 64;
  private static final Duration MAX_LIFETIME = Duration.ofSeconds(PlaylistConfig.MAX_PRESIGN_SECONDS);

  private final Vertx vertx;
  private final PlaylistConfig cfg;
  private final SegmentRepository segments;
  private final SegmentUrlSigner signer;
  private final MeterRegistry registry;
  private final Clock clock;

  PlaylistHandlers(Vertx vertx, PlaylistConfig cfg, SegmentRepository segments, SegmentUrlSigner signer,
      MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.segments = segments;
    this.signer = signer;
    this.registry = registry;
    this.clock = clock;
  }

  void live(RoutingContext ctx) {
    observe(ctx, "live", () -> livePlaylist(LiveRequest.from(ctx.queryParams())));
  }

  void replay(RoutingContext ctx) {
    Duration maxRange = Duration.ofHours(cfg.maxReplayHours());
    observe(ctx, "replay", () -> replayPlaylist(ReplayRequest.from(ctx.queryParams(), maxRange)));
  }

  private Future<String> livePlaylist(LiveRequest req) {
    var since = clock.instant().minusSeconds(cfg.liveLookbackSeconds());
    return segments.newestSince(req.cameraId(), since, cfg.liveWindowSegments()).compose(window -> window.isEmpty()
        ? Future.succeededFuture(HlsPlaylist.live(0).render())
        : segments.countBefore(window.get(0)).compose(seq -> render(HlsPlaylist.live(seq), window)));
  }

  private Future<String> replayPlaylist(ReplayRequest req) {
    return segments.overlapping(req.cameraId(), req.start(), req.end()).compose(found -> found.isEmpty()
        ? Future.failedFuture(new ApiException(404, "no_recordings",
            "camera " + req.cameraId() + " has no segments between " + req.start() + " and " + req.end()))
        : render(HlsPlaylist.vod(), found));
  }

  private Future<String> render(HlsPlaylist playlist, List<Segment> list) {
    Duration lifetime = urlLifetime(list);
    Callable<String> build = () -> {
      for (Segment s : list) playlist.segment(signer.presignGet(s.objectKey(), lifetime), s.start(), s.durationMs());
      return playlist.render();
    };
    if (list.size() > INLINE_SIGNING_LIMIT) return vertx.executeBlocking(build, false);
    try {
      return Future.succeededFuture(build.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** Long enough to play the whole playlist twice over, never below the configured minimum nor above SigV4's 7 days. */
  private Duration urlLifetime(List<Segment> list) {
    Duration twice = Duration.ofMillis(2 * list.stream().mapToLong(Segment::durationMs).sum());
    Duration wanted = twice.compareTo(Duration.ofSeconds(cfg.presignSeconds())) > 0
        ? twice : Duration.ofSeconds(cfg.presignSeconds());
    return wanted.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : wanted;
  }

  /** Runs one playlist request, counting it by kind and status and timing it; bad input fails before any I/O. */
  private void observe(RoutingContext ctx, String kind, Supplier<Future<String>> work) {
    Timer.Sample sample = Timer.start(registry);
    Future<String> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      int status = ar.succeeded() ? 200 : ar.cause() instanceof ApiException api ? api.status() : 500;
      sample.stop(registry.timer("playlist.request.duration", "kind", kind));
      registry.counter("playlist.requests", "kind", kind, "status", Integer.toString(status)).increment();
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      var response = ctx.response().putHeader("content-type", MPEGURL);
      if (kind.equals("live")) response.putHeader("cache-control", "no-cache");
      response.end(ar.result());
    });
  }
}
