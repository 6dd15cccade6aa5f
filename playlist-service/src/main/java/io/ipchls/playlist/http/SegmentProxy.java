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

/**
 * Proxy mode ({@code segmentAccess: proxy}): {@code GET /segments/{camera}/{startMillis}/{key}} streams the object
 * from the store with this service's key, for stores viewers cannot reach. The viewer's token must cover the camera
 * and the index must hold exactly that segment, so a token never opens anything but indexed video of its cameras.
 */
final class SegmentProxy {
  private static final Duration INTERNAL_URL_LIFETIME = Duration.ofMinutes(5);

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
    Instant start;
    try {
      start = Instant.ofEpochMilli(Long.parseLong(ctx.pathParam("start")));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid_segment", "segment start must be epoch milliseconds");
    }
    String key = URLDecoder.decode(ctx.pathParam("*"), StandardCharsets.UTF_8);
    segments.segmentExists(camera, start, key)
        .compose(exists -> exists ? stream(ctx, key)
            : Future.failedFuture(ApiException.notFound("no such segment of camera " + camera)))
        .onFailure(ctx::fail);
  }

  /** Streams the object {@code key} from the store as the answer (headers only for HEAD). */
  Future<Void> stream(RoutingContext ctx, String key) {
    String url = internalSigner.batch(Instant.now(), INTERNAL_URL_LIFETIME).url(key);
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            resp.pause();
            return Future.failedFuture(resp.statusCode() == 404
                ? ApiException.notFound("segment object is missing from the store")
                : new ApiException(502, "store_error", "the store answered " + resp.statusCode()));
          }
          var out = ctx.response().putHeader("content-type", "video/mp2t")
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
