package io.ipchls.playlist.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Every GET route answers HEAD with the same status and headers and no body (RFC 9110 §9.3.2): a HEAD request is
 * routed again as a GET, and Vert.x's server sends no body on a HEAD response. One rule for the whole router, so a
 * route added later answers HEAD too. Handlers that stream (the segment proxy) ask {@link #isHead} to skip the body's
 * source as well.
 */
final class HeadRequests {
  private static final String HEAD = "ipchls.head";

  private HeadRequests() {}

  /** Call right after the CORS handler, before any route. */
  static void answerAsGet(Router router) {
    router.route().method(HttpMethod.HEAD).handler(ctx -> {
      ctx.put(HEAD, Boolean.TRUE);
      String query = ctx.request().query(); // path and query: the URI may be absolute-form (through a proxy)
      ctx.reroute(HttpMethod.GET, ctx.request().path() + (query == null ? "" : "?" + query));
    });
  }

  /** Whether the client asked with HEAD (the request now looks like a GET). */
  static boolean isHead(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(HEAD));
  }
}
