package io.ipchls.kit.http;

import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code Authorization: Bearer <token>} for admin APIs that account admins may use too (issue 19 item 2): the
 * operator's admin token (compared as a SHA-256 digest in constant time, as {@link BearerTokenAuth}) makes the
 * caller {@link AdminCaller#OPERATOR}; an account admin token ({@value #ACCOUNT_TOKEN_PREFIX}...) is looked up by its
 * SHA-256 and makes the caller that account's admin. Anything else is 401. Tokens themselves are never stored or
 * logged. The request is paused during the account lookup, so a {@code BodyHandler} may come before or after it.
 */
public final class AdminAuth implements Handler<RoutingContext> {
  /** Account admin tokens start with this, so other tokens never cost a lookup. */
  public static final String ACCOUNT_TOKEN_PREFIX = "ipa_";

  private final byte[] operatorSha256;
  private final Function<String, Future<Optional<String>>> accountOfTokenSha256;

  /**
   * @param operatorTokenSha256Hex lower-case hex SHA-256 of the operator's admin token
   * @param accountOfTokenSha256 the account whose admin token has this SHA-256 (hex), if any
   */
  public AdminAuth(String operatorTokenSha256Hex, Function<String, Future<Optional<String>>> accountOfTokenSha256) {
    if (operatorTokenSha256Hex == null || !operatorTokenSha256Hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("token digest must be 64 lower-case hex characters");
    }
    this.operatorSha256 = HexFormat.of().parseHex(operatorTokenSha256Hex);
    this.accountOfTokenSha256 = accountOfTokenSha256;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = BearerTokenAuth.bearerToken(ctx);
    if (token != null && MessageDigest.isEqual(Sha256.of(token), operatorSha256)) {
      ctx.put(AdminCaller.KEY, AdminCaller.OPERATOR);
      ctx.next();
      return;
    }
    if (token == null || !token.startsWith(ACCOUNT_TOKEN_PREFIX)) {
      refuse(ctx);
      return;
    }
    // the body must wait for the lookup: a BodyHandler after this one reads it once the request goes on
    ctx.request().pause();
    accountOfTokenSha256.apply(Sha256.hex(token)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        refuse(ctx);
      } else {
        ctx.put(AdminCaller.KEY, new AdminCaller(ar.result().get()));
        ctx.request().resume();
        ctx.next();
      }
    });
  }

  /** A handler for routers whose every call is the operator's: an account admin gets 403 {@code operator_only}. */
  public static void operatorOnly(RoutingContext ctx) {
    try {
      AdminCaller.requireOperator(ctx);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    ctx.fail(ApiException.unauthorized("a valid admin or account admin bearer token is required"));
  }
}
