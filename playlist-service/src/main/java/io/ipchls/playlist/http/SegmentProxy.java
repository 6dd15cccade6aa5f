package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.auth.ViewerAuth;
import io.ipchls.playlist.db.SegmentRepository;
import io.ipchls.playlist.s3.QueryPresigner;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Proxy mode ({@code segmentAccess: proxy}): {@code GET /segments/{camera}/{startMillis}/{key}} streams the object
 * from the store with this service's key, for stores viewers cannot reach. The viewer's token must cover the camera
 * and the index must hold exactly that segment, so a token never opens anything but indexed video of its cameras.
 * {@code GET /inits/{camera}/{startMillis}/{initKey}} likewise streams the init segment that segment needs. A single
 * byte range (an I-frame playlist's EXT-X-BYTERANGE) is asked of the store and answered 206; the thumbnail routes
 * stream through here too ({@link ThumbnailHandlers}).
 */
final class SegmentProxy {
  /** The paths' roots: a segment, and the init segment an fMP4 segment needs. */
  static final String SEGMENTS = "segments";
  static final String INITS = "inits";
  private static final Duration INTERNAL_URL_LIFETIME = Duration.ofMinutes(5);
  /**
   * One byte range, {@code bytes=<first>-[<last>]} (RFC 9110 §14.1.2), as an I-frame playlist's EXT-X-BYTERANGE makes
   * players ask; passed to the store as it is. Anything else (several ranges, suffix ranges) is not forwarded: the
   * whole object is sent, which RFC 9110 §14.2 allows.
   */
  private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=\\d{1,15}-\\d{0,15}");

  private final SegmentRepository segments;
  private final QueryPresigner internalSigner;
  private final HttpClient http;

  SegmentProxy(SegmentRepository segments, QueryPresigner internalSigner, HttpClient http) {
    this.segments = segments;
    this.internalSigner = internalSigner;
    this.http = http;
  }

  void handle(RoutingContext ctx) {
    String camera = QueryParams.cameraId(ctx.pathParam("camera"), "camera");
    ViewerAuth.scope(ctx).require(camera);
    Instant start = start(ctx);
    String key = URLDecoder.decode(ctx.pathParam("*"), StandardCharsets.UTF_8);
    segments.segmentExists(camera, start, key)
        .compose(exists -> exists ? stream(ctx, key)
            : Future.failedFuture(ApiException.notFound("no such segment of camera " + camera)))
        .onFailure(ctx::fail);
  }

  /** The init segment of the camera's segment starting at {@code start}, only if that segment needs this one. */
  void handleInit(RoutingContext ctx) {
    String camera = QueryParams.cameraId(ctx.pathParam("camera"), "camera");
    ViewerAuth.scope(ctx).require(camera);
    Instant start = start(ctx);
    String key = URLDecoder.decode(ctx.pathParam("*"), StandardCharsets.UTF_8);
    segments.initExists(camera, start, key)
        .compose(exists -> exists ? stream(ctx, key)
            : Future.failedFuture(ApiException.notFound("no such init segment of camera " + camera)))
        .onFailure(ctx::fail);
  }

  private static Instant start(RoutingContext ctx) {
    try {
      return Instant.ofEpochMilli(Long.parseLong(ctx.pathParam("start")));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid_segment", "segment start must be epoch milliseconds");
    }
  }

  /** RFC 8216 §3.2/§3.3: MPEG-TS segments are video/mp2t; fMP4 media and init segments video/mp4; thumbnails JPEG. */
  static String contentType(String key) {
    if (key.endsWith(".jpg")) return "image/jpeg";
    return key.endsWith(".ts") ? "video/mp2t" : "video/mp4";
  }


  /** Streams the object {@code key} from the store as the answer (headers only for HEAD). */
  Future<Void> stream(RoutingContext ctx, String key) {
    String url = internalSigner.batch(Instant.now(), INTERNAL_URL_LIFETIME).url(key);
    String range = ctx.request().getHeader("range");
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url);
    if (range != null && SINGLE_RANGE.matcher(range).matches()) options.putHeader("range", range);
    return http.request(options)
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() == 206 || resp.statusCode() == 416) {
            ctx.response().setStatusCode(resp.statusCode());
            String contentRange = resp.getHeader("content-range");
            if (contentRange != null) ctx.response().putHeader("content-range", contentRange);
          } else if (resp.statusCode() != 200) {
            resp.pause();
            return Future.failedFuture(resp.statusCode() == 404
                ? ApiException.notFound("segment object is missing from the store")
                : new ApiException(502, "store_error", "the store answered " + resp.statusCode()));
          }
          var out = ctx.response().putHeader("content-type", contentType(key)).putHeader("accept-ranges", "bytes")
              .putHeader("cache-control", "private, max-age=86400");
          String length = resp.getHeader("content-length");
          if (length != null) out.putHeader("content-length", length);
          if (HeadRequests.isHead(ctx)) { // the same headers, no body: stop the store's transfer
            resp.request().reset();
            return out.end();
          }
          return resp.pipeTo(out);
        });
  }
}
