package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.db.Segment;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.metering.PlaybackMeter;
import io.ipchls.playlist.s3.QueryPresigner;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code GET /s/{camera}/{grant}/{offset}.ts} (or {@code .m4s}): a replay's short segment link ({@link ShortLinks}).
 * The grant is checked (camera, range, expiry), then the index must hold a segment of that camera starting exactly
 * there ({@code .mp4}: the init segment that segment needs); the
 * answer is a 302 to a presigned GET of its object made now (so it is never stale), or in proxy mode the object's
 * bytes. The grant is the authorization, as a presigned URL's signature is: it was made only for a viewer whose token
 * covered the camera, and players fetch segments without headers.
 */
final class ShortLinkResolver {
  private final ShortLinks links;
  private final SegmentRepository segments;
  /** Presigned mode: signs the redirect's target on the public endpoint; null in proxy mode. */
  private final QueryPresigner presigner;
  private final Duration redirectLifetime;
  /** Proxy mode: streams the object; null in presigned mode. */
  private final SegmentProxy proxy;
  private final PlaybackMeter meter;
  private final Clock clock;

  ShortLinkResolver(ShortLinks links, SegmentRepository segments, QueryPresigner presigner, Duration redirectLifetime,
      SegmentProxy proxy, PlaybackMeter meter, Clock clock) {
    this.links = links;
    this.segments = segments;
    this.presigner = presigner;
    this.redirectLifetime = redirectLifetime;
    this.proxy = proxy;
    this.meter = meter;
    this.clock = clock;
  }

  void handle(RoutingContext ctx) {
    String camera = QueryParams.cameraId(ctx.pathParam("camera"), "camera");
    ShortLinks.Target target = links.check(camera, ctx.pathParam("grant"), ctx.pathParam("file"), clock.instant());
    meter.request(camera);
    (target.init() ? segments.initAt(camera, target.start(), target.nth())
        : segments.keyAt(camera, target.start(), target.nth()))
        .compose(key -> {
          if (key == null) {
            return Future.failedFuture(ApiException.notFound("camera " + camera + " has no " + (target.init()
                ? "fMP4 " : "") + "segment starting at " + target.start() + " (deleted by retention?)"));
          }
          if (proxy != null) return proxy.stream(ctx, camera, key);
          if (!target.init()) meter.handedOut(new Segment(camera, target.start(), 0, key));
          String url = presigner.batch(clock.instant(), redirectLifetime).url(key);
          return ctx.response().setStatusCode(302).putHeader("location", url).putHeader("cache-control", "no-store")
              .putHeader("content-length", "0").end();
        })
        .onFailure(ctx::fail);
  }
}
