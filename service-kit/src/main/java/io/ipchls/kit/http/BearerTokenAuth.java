package io.ipchls.kit.http;

import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * {@code Authorization: Bearer <token>} checked against a stored SHA-256 digest of the one valid token (an admin
 * token). The service keeps only the digest; comparison is of digests, in constant time. Fails the request with 401.
 */
public final class BearerTokenAuth implements Handler<RoutingContext> {
  private static final String BEARER = "Bearer ";
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private final byte[] tokenSha256;
  private final String realmMessage;

  /**
   * @param tokenSha256Hex lower-case hex SHA-256 of the token
   * @param what what the token is, for the 401 message ("admin")
   */
  public BearerTokenAuth(String tokenSha256Hex, String what) {
    if (tokenSha256Hex == null || !SHA256_HEX.matcher(tokenSha256Hex).matches()) {
      throw new IllegalArgumentException("token digest must be 64 lower-case hex characters");
    }
    this.tokenSha256 = HexFormat.of().parseHex(tokenSha256Hex);
    this.realmMessage = "a valid " + what + " bearer token is required";
  }

  /** The token carried by an {@code Authorization: Bearer} header, or null. */
  public static String bearerToken(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) return null;
    String token = header.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : token;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = bearerToken(ctx);
    if (token != null && MessageDigest.isEqual(Sha256.of(token), tokenSha256)) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(ApiException.unauthorized(realmMessage));
    }
  }
}
