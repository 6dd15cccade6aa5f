package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.playlist.CorsConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for every route, first in the router: a request from an allowed origin gets
 * {@code Access-Control-Allow-Origin} (the origin itself, or {@code *} when any origin is allowed) and the response
 * headers a player reads; one from any other origin gets none, so the browser keeps the answer from the page. A
 * preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin for GET or HEAD with at
 * most the headers {@code Authorization} and {@code Range} is answered 204 here; any other preflight gets a 403 JSON
 * naming what was refused. No credentials mode: viewer tokens travel in a header or the query, never in cookies.
 * (vertx-web's {@code CorsHandler} fails a request from an unlisted origin with a bare 403 even when it is no CORS
 * request the browser would block, and its failure reaches the JSON error handler as an internal error.)
 */
final class CrossOrigin implements Handler<RoutingContext> {
  static final String ALLOW_METHODS = "GET, HEAD";
  static final Set<String> ALLOW_HEADERS = Set.of("authorization", "range");
  /**
   * What players and apps read besides the CORS-safelisted headers (byte ranges, lengths, compression, the time of the
   * segment a thumbnail shows).
   */
  static final String EXPOSE_HEADERS = "Content-Length, Content-Range, Accept-Ranges, Content-Encoding, "
      + "X-Thumbnail-Time";
  /** How long a browser may reuse a preflight's answer. */
  static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

  private final CorsConfig origins;

  CrossOrigin(CorsConfig origins) {
    this.origins = origins;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    HttpServerResponse response = ctx.response();
    // the answer depends on Origin whenever an allow-list decides; caches must not hand one origin's answer to another
    if (origins.enabled() && !origins.anyOrigin()) response.putHeader(HttpHeaders.VARY, "Origin");
    String requestedMethod = ctx.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    boolean preflight = ctx.request().method() == HttpMethod.OPTIONS && requestedMethod != null;
    if (origin == null) { // not a CORS request
      ctx.next();
      return;
    }
    if (!origins.allows(origin)) {
      if (preflight) {
        ctx.fail(new ApiException(403, "origin_not_allowed", "origin " + abbreviate(origin)
            + " may not read this service's answers (cors.allowedOrigins)"));
      } else {
        ctx.next(); // no CORS headers: the browser withholds the answer from that page
      }
      return;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origins.anyOrigin() ? CorsConfig.ANY_ORIGIN : origin);
    if (!preflight) {
      response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
      ctx.next();
      return;
    }
    if (!requestedMethod.equals("GET") && !requestedMethod.equals("HEAD")) {
      ctx.fail(new ApiException(403, "method_not_allowed_cross_origin",
          "only GET and HEAD may be called from another origin, not " + abbreviate(requestedMethod)));
      return;
    }
    String requestedHeaders = ctx.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
    if (requestedHeaders != null) {
      for (String h : requestedHeaders.split(",")) {
        String name = h.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !ALLOW_HEADERS.contains(name)) {
          ctx.fail(new ApiException(403, "header_not_allowed_cross_origin",
              "only the headers Authorization and Range may be sent from another origin, not " + abbreviate(name)));
          return;
        }
      }
    }
    response.setStatusCode(204)
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Range")
        .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, Integer.toString(PREFLIGHT_MAX_AGE_SECONDS))
        .end();
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
