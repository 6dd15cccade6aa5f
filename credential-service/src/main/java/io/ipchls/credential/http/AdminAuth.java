package io.ipchls.credential.http;

import io.ipchls.credential.auth.Secrets;
import io.ipchls.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code Authorization: Bearer <adminToken>}, compared as SHA-256 digests in constant time. */
final class AdminAuth implements Handler<RoutingContext> {
  private static final String BEARER = "Bearer ";
  private final String tokenSha256Hex;

  AdminAuth(String tokenSha256Hex) {
    this.tokenSha256Hex = tokenSha256Hex;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    boolean ok = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        && Secrets.matchesSha256Hex(header.substring(BEARER.length()).trim(), tokenSha256Hex);
    if (ok) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(ApiException.unauthorized("a valid admin bearer token is required"));
    }
  }
}
