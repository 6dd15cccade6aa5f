package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.playlist.PlaylistConfig;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.db.IFrame;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.kit.hls.HlsPlaylist;
import io.ipchls.playlist.live.LiveWindows;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** Live, replay and multivariant playlists: index rows → segment links → RFC 8216 text. */
final class PlaylistHandlers {
  static final String MPEGURL = "application/vnd.apple.mpegurl";
  /** Signing costs microseconds per URL; longer playlists are built on a worker, off the event loop. */
  static final int INLINE_SIGNING_LIMIT = 500;
  private static final Duration MAX_LIFETIME = Duration.ofSeconds(PlaylistConfig.MAX_PRESIGN_SECONDS);
  /** A live variant's bit rates come from the camera's newest segments: about a minute of 3 s segments. */
  static final int LIVE_MEDIA_SEGMENTS = 20;

  private final Vertx vertx;
  private final PlaylistConfig cfg;
  private final SegmentRepository segments;
  private final LiveWindows live;
  private final SegmentLinks links;
  private final ShortLinks shortLinks;
  private final MeterRegistry registry;
  private final Variants variants;
  private final EventHandlers events;
  private final Clock clock;

  PlaylistHandlers(Vertx vertx, PlaylistConfig cfg, SegmentRepository segments, LiveWindows live, SegmentLinks links,
      ShortLinks shortLinks, EventHandlers events, MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.segments = segments;
    this.live = live;
    this.links = links;
    this.shortLinks = shortLinks;
    this.registry = registry;
    this.events = events;
    this.clock = clock;
    this.variants = new Variants(segments);
  }

  void live(RoutingContext ctx) {
    observe(ctx, "live", token -> {
      LiveRequest req = LiveRequest.from(ctx.queryParams());
      ViewerAuth.scope(ctx).require(req.cameraId());
      boolean gzip = Compression.acceptsGzip(ctx);
      return live.live(req.cameraId(), clock.instant().minusSeconds(cfg.liveLookbackSeconds())).compose(snap ->
          render(HlsPlaylist.live(snap.mediaSequence(), snap.discontinuitySequence(),
              snap.targetDurationSeconds(cfg.liveTargetDurationSeconds())),
              snap.segments(), lifetime -> links.forPlaylist(clock.instant(), lifetime, token), gzip));
    });
  }

  void replay(RoutingContext ctx) {
    Duration maxRange = Duration.ofHours(cfg.maxReplayHours());
    observe(ctx, "replay", token -> {
      ReplayRequest req = ReplayRequest.from(ctx.queryParams(), maxRange);
      ViewerAuth.scope(ctx).require(req.cameraId());
      boolean gzip = Compression.acceptsGzip(ctx);
      return segments.overlapping(req.cameraId(), req.start(), req.end()).compose(found -> found.isEmpty()
          ? noRecordings(req)
          : events.forPlaylist(req.cameraId(), req.start(), req.end()).compose(marks -> {
            HlsPlaylist playlist = HlsPlaylist.vod();
            EventHandlers.addDateRanges(playlist, marks);
            return render(playlist, found, req.links() == ReplayRequest.Links.SHORT
                ? lifetime -> shortLinks.forPlaylist(found, clock.instant(), lifetime)
                : lifetime -> links.forPlaylist(clock.instant(), lifetime, token), gzip);
          }));
    });
  }

  /**
   * The I-frame playlist of a replay range (RFC 8216 §4.3.3.6): each segment's first key frame as a byte range of the
   * segment, for scrubbing and fast trick play without decoding whole segments. The same request and links as
   * {@link #replay} (short links by default, {@code links=full} for presigned URLs or proxy paths), so each range is
   * authorized exactly like the segment it lies in; segments whose camera did not announce a key frame are left out.
   */
  void iFrames(RoutingContext ctx) {
    Duration maxRange = Duration.ofHours(cfg.maxReplayHours());
    observe(ctx, "iframes", token -> {
      ReplayRequest req = ReplayRequest.from(ctx.queryParams(), maxRange);
      ViewerAuth.scope(ctx).require(req.cameraId());
      boolean gzip = Compression.acceptsGzip(ctx);
      return segments.iFrames(req.cameraId(), req.start(), req.end()).compose(found -> {
        if (found.isEmpty()) return noIFrames(req);
        List<Segment> list = found.stream().map(IFrame::segment).toList();
        Function<Duration, SegmentLinks.Links> linksValidFor = req.links() == ReplayRequest.Links.SHORT
            ? lifetime -> shortLinks.forPlaylist(list, clock.instant(), lifetime)
            : lifetime -> links.forPlaylist(clock.instant(), lifetime, token);
        return build(list, () -> {
          SegmentLinks.Links l = linksValidFor.apply(urlLifetime(list));
          HlsPlaylist playlist = HlsPlaylist.iFrames();
          for (IFrame f : found) {
            Segment s = f.segment();
            String link = l.segment(s);
            playlist.iFrame(link, s.start(), s.durationMs(), s.restart(), s.initKey(), () -> l.map(s, link),
                f.offset(), f.length());
          }
          return text(playlist, gzip);
        });
      });
    });
  }

  private Future<Buffer> noIFrames(ReplayRequest req) {
    return segments.cameraKnown(req.cameraId()).compose(known -> Future.failedFuture(known
        ? new ApiException(404, "no_recordings", "camera " + req.cameraId() + " has no segments with a key frame "
            + "range between " + req.start() + " and " + req.end())
        : new ApiException(404, "unknown_camera", "unknown camera: " + req.cameraId())));
  }

  /**
   * The multivariant playlist of the camera's live view or of a replay range: one variant, the media playlist with
   * the same authorization (the token of the request, when it came as a query parameter, carried into the variant's
   * link), described from the index (CODECS, RESOLUTION, FRAME-RATE, bit rates) so a player can refuse what it cannot
   * decode before loading media.
   */
  void multivariant(RoutingContext ctx) {
    Duration maxRange = Duration.ofHours(cfg.maxReplayHours());
    observe(ctx, "multivariant", token -> {
      MultivariantRequest req = MultivariantRequest.from(ctx.queryParams(), maxRange);
      ViewerAuth.scope(ctx).require(req.cameraId());
      String queryToken = token != null && token.equals(ctx.queryParams().get("token")) ? token : null;
      Future<String> text = req.isLive()
          ? variants.live(req.cameraId(), clock.instant(), LIVE_MEDIA_SEGMENTS, queryToken)
          : variants.replay(req.replay(), queryToken);
      return text.compose(t -> t != null ? Future.succeededFuture(Buffer.buffer(t.getBytes(StandardCharsets.UTF_8)))
          : req.isLive() ? noSegments(req.cameraId()) : noRecordings(req.replay()));
    });
  }

  private Future<Buffer> noSegments(String cameraId) {
    return segments.cameraKnown(cameraId).compose(known -> Future.failedFuture(known
        ? new ApiException(404, "no_recordings", "camera " + cameraId + " has no segments yet")
        : new ApiException(404, "unknown_camera", "unknown camera: " + cameraId)));
  }

  private Future<Buffer> noRecordings(ReplayRequest req) {
    return segments.cameraKnown(req.cameraId()).compose(known -> Future.failedFuture(known
        ? new ApiException(404, "no_recordings",
            "camera " + req.cameraId() + " has no segments between " + req.start() + " and " + req.end())
        : new ApiException(404, "unknown_camera", "unknown camera: " + req.cameraId())));
  }

  /**
   * The playlist text with each segment's link, as UTF-8 bytes, gzipped when the client accepts it and the text is
   * long enough to gain; built (and compressed) on a worker when long.
   */
  private Future<Buffer> render(HlsPlaylist playlist, List<Segment> list,
      Function<Duration, SegmentLinks.Links> linksValidFor, boolean gzip) {
    Duration lifetime = urlLifetime(list);
    return build(list, () -> {
      SegmentLinks.Links links = linksValidFor.apply(lifetime);
      for (Segment s : list) {
        String link = links.segment(s);
        playlist.segment(link, s.start(), s.durationMs(), s.restart(), s.initKey(), () -> links.map(s, link));
      }
      return text(playlist, gzip);
    });
  }

  private static Buffer text(HlsPlaylist playlist, boolean gzip) {
    byte[] text = playlist.render().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(gzip && text.length >= Compression.MIN_BYTES ? Compression.gzip(text) : text);
  }

  /** Runs {@code build} here, or on a worker when the list is long enough for signing to hold the event loop. */
  private Future<Buffer> build(List<Segment> list, Callable<Buffer> build) {
    if (list.size() > INLINE_SIGNING_LIMIT) return vertx.executeBlocking(build, false);
    try {
      return Future.succeededFuture(build.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Long enough to play the whole playlist twice over, never below the configured minimum nor above SigV4's 7 days:
   * links are made per request, so no viewer is ever handed a nearly expired one.
   */
  private Duration urlLifetime(List<Segment> list) {
    Duration twice = Duration.ofMillis(2 * list.stream().mapToLong(Segment::durationMs).sum());
    Duration wanted = twice.compareTo(Duration.ofSeconds(cfg.presignSeconds())) > 0
        ? twice : Duration.ofSeconds(cfg.presignSeconds());
    return wanted.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : wanted;
  }

  /** Runs one playlist request, counting it by kind and status and timing it; bad input fails before any I/O. */
  private void observe(RoutingContext ctx, String kind, Function<String, Future<Buffer>> work) {
    Timer.Sample sample = Timer.start(registry);
    Future<Buffer> result;
    try {
      result = work.apply(ViewerAuth.token(ctx));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      int status = ar.succeeded() ? 200 : ar.cause() instanceof ApiException api ? api.status() : 500;
      sample.stop(Timer.builder("playlist.request.duration").tag("kind", kind)
          .description("playlist requests from arrival to the answer, by kind (live, replay, iframes, multivariant)")
          .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
          .maximumExpectedValue(Duration.ofSeconds(10)).register(registry));
      registry.counter("playlist.requests", "kind", kind, "status", Integer.toString(status)).increment();
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      var response = ctx.response().putHeader("content-type", MPEGURL);
      response.headers().add("vary", "Accept-Encoding");
      if (!kind.equals("replay") && !kind.equals("iframes")) response.putHeader("cache-control", "no-cache");
      if (Compression.isGzip(ar.result())) response.putHeader("content-encoding", "gzip");
      Routes.end(response, ar.result());
    });
  }
}
