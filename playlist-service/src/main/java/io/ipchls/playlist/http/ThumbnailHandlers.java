package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.db.SegmentRepository.Thumbnail;
import io.ipchls.playlist.s3.QueryPresigner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Scrubbing thumbnails, the small JPEG each segment's camera uploaded (issue 18 item 3): the one nearest a time, and a
 * listing of a range for a player to prefetch. Thumbnails are served like segments: a redirect to a presigned URL, or
 * in proxy mode the bytes through {@code /thumbs/{camera}/{startMillis}/{key}}, opened only for a thumbnail the index
 * names for that segment of a camera the viewer may see.
 */
final class ThumbnailHandlers {
  /**
   * How far from the asked time a thumbnail may be: its segment starts at most a longest segment (60 s) away, so it
   * shows the moment asked for or one near it; further away there is no recording to preview (a 404).
   */
  static final long REACH_MS = SegmentRepository.MAX_SEGMENT_MS;
  static final String THUMBS = "thumbs";

  private final SegmentRepository segments;
  /** Presigned mode: signs on the public endpoint; null in proxy mode. */
  private final QueryPresigner presigner;
  /** Proxy mode: streams the object; null in presigned mode. */
  private final SegmentProxy proxy;
  private final Duration lifetime;
  private final Duration maxRange;
  private final Clock clock;

  ThumbnailHandlers(SegmentRepository segments, QueryPresigner presigner, SegmentProxy proxy, Duration lifetime,
      Duration maxRange, Clock clock) {
    this.segments = segments;
    this.presigner = presigner;
    this.proxy = proxy;
    this.lifetime = lifetime;
    this.maxRange = maxRange;
    this.clock = clock;
  }

  /** {@code GET /api/v1/cameras/:id/thumbnail?time=}: the thumbnail of the segment starting nearest the time. */
  void nearest(RoutingContext ctx) {
    String camera = camera(ctx);
    Instant time = ThumbnailRequest.time(ctx.queryParams());
    segments.thumbnailNearest(camera, time, REACH_MS).compose(t -> {
      if (t == null) {
        return segments.cameraKnown(camera).compose(known -> Future.failedFuture(known
            ? new ApiException(404, "no_thumbnail", "camera " + camera + " has no thumbnail within "
                + REACH_MS / 1000 + " s of " + time)
            : new ApiException(404, "unknown_camera", "unknown camera: " + camera)));
      }
      ctx.response().putHeader("x-thumbnail-time", Long.toString(t.start().toEpochMilli()));
      if (proxy != null) return proxy.stream(ctx, t.key());
      return ctx.response().setStatusCode(302).putHeader("location", presigned(t.key()))
          .putHeader("cache-control", "no-store").putHeader("content-length", "0").end();
    }).onFailure(ctx::fail);
  }

  /**
   * {@code GET /api/v1/cameras/:id/thumbnails?start=&end=[&step=]}: the thumbnails of segments starting in the range,
   * at most one per step, each with its time and a URL that loads it as it is (presigned, or a proxy path with the
   * viewer's token).
   */
  void list(RoutingContext ctx) {
    ApiHandlers.respond(ctx, () -> {
      String camera = camera(ctx);
      QueryParams.TimeRange range = QueryParams.range(ctx.queryParams(), maxRange);
      long step = ThumbnailRequest.step(ctx.queryParams(), range);
      String token = ViewerAuth.token(ctx);
      return segments.thumbnails(camera, range.start(), range.end(), step).compose(found -> found.isEmpty()
          ? segments.cameraKnown(camera).compose(known -> known ? Future.succeededFuture(found)
              : Future.failedFuture(new ApiException(404, "unknown_camera", "unknown camera: " + camera)))
          : Future.succeededFuture(found)).map(found -> listing(camera, range, step, found, token));
    });
  }

  private JsonObject listing(String camera, QueryParams.TimeRange range, long step, List<Thumbnail> found,
      String token) {
    QueryPresigner.Batch batch = presigner == null ? null : presigner.batch(clock.instant(), lifetime);
    JsonArray list = new JsonArray();
    for (Thumbnail t : found) {
      String url = batch != null ? batch.url(t.key()) : proxyPath(camera, t, token);
      list.add(new JsonObject().put("time", t.start().toEpochMilli()).put("durationMs", t.durationMs())
          .put("url", url));
    }
    return new JsonObject().put("cameraId", camera).put("start", range.start().toEpochMilli())
        .put("end", range.end().toEpochMilli()).put("step", step).put("thumbnails", list);
  }

  /** Proxy mode: {@code GET /thumbs/{camera}/{startMillis}/{key}}, only a thumbnail the index names for that segment. */
  void proxied(RoutingContext ctx) {
    String camera = camera(ctx, "camera");
    Instant start;
    try {
      start = Instant.ofEpochMilli(Long.parseLong(ctx.pathParam("start")));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid_thumbnail", "the segment's start must be epoch milliseconds");
    }
    String key = URLDecoder.decode(ctx.pathParam("*"), StandardCharsets.UTF_8);
    segments.thumbnailExists(camera, start, key)
        .compose(exists -> exists ? proxy.stream(ctx, key)
            : Future.failedFuture(ApiException.notFound("no such thumbnail of camera " + camera)))
        .onFailure(ctx::fail);
  }

  private String presigned(String key) {
    return presigner.batch(clock.instant(), lifetime).url(key);
  }

  private static String proxyPath(String camera, Thumbnail t, String token) {
    StringBuilder sb = new StringBuilder("/").append(THUMBS).append('/').append(camera).append('/')
        .append(t.start().toEpochMilli());
    for (String part : t.key().split("/", -1)) {
      sb.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    if (token != null) sb.append("?token=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
    return sb.toString();
  }

  private static String camera(RoutingContext ctx) {
    return camera(ctx, "id");
  }

  private static String camera(RoutingContext ctx, String param) {
    String camera = QueryParams.cameraId(ctx.pathParam(param), "camera id");
    ViewerAuth.scope(ctx).require(camera);
    return camera;
  }
}
