package io.ipchls.playlist.auth;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.BearerTokenAuth;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Function;

/**
 * Puts the request's {@link ViewerScope} into the routing context: from {@code Authorization: Bearer <jwt>} or, for
 * players that cannot set headers (a video element, hls.js without hooks), a {@code token} query parameter. In open
 * mode every request sees every camera. An account token's cameras are read from the registry for each request
 * (one indexed query), so a camera moved into or out of the account is seen so at the viewer's next request.
 */
public final class ViewerAuth implements Handler<RoutingContext> {
  static final String SCOPE = "ipchls.viewerScope";
  static final String TOKEN = "ipchls.viewerToken";

  private final ViewerTokens tokens;
  private final Function<String, Future<Set<String>>> accountCameras;

  /**
   * @param tokens null for open mode
   * @param accountCameras the ids of the cameras that belong to an account now
   */
  public ViewerAuth(ViewerTokens tokens, Function<String, Future<Set<String>>> accountCameras) {
    this.tokens = tokens;
    this.accountCameras = accountCameras;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (tokens == null) {
      ctx.put(SCOPE, ViewerScope.OPEN);
      ctx.next();
      return;
    }
    String header = BearerTokenAuth.bearerToken(ctx);
    String token = header != null ? header : ctx.queryParams().get("token");
    if (token == null || token.isBlank()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(ApiException.unauthorized("a viewer token is required (Authorization: Bearer, or ?token=)"));
      return;
    }
    tokens.verify(token).compose(this::withAccountCameras).onComplete(ar -> {
      if (ar.failed()) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        ctx.fail(ar.cause());
        return;
      }
      ctx.put(SCOPE, ar.result());
      ctx.put(TOKEN, token);
      ctx.next();
    });
  }

  private Future<ViewerScope> withAccountCameras(ViewerScope scope) {
    if (scope.account() == null) return Future.succeededFuture(scope);
    return accountCameras.apply(scope.account()).map(scope::withAccountCameras);
  }

  /** The verified viewer token of the request, or null in open mode. */
  public static String token(RoutingContext ctx) {
    return ctx.get(TOKEN);
  }

  /** The scope {@link ViewerAuth} put into the context. */
  public static ViewerScope scope(RoutingContext ctx) {
    ViewerScope scope = ctx.get(SCOPE);
    if (scope == null) throw new IllegalStateException("ViewerAuth did not run for " + ctx.request().path());
    return scope;
  }
}
