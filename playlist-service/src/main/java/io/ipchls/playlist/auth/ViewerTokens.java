package io.ipchls.playlist.auth;

import io.ipchls.kit.http.ApiException;
import io.ipchls.protocol.AccountIds;
import io.ipchls.protocol.CameraIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Viewer tokens: HS256 JWTs (vertx-auth-jwt) naming the cameras a viewer may watch. Claims: {@code iss} ipc-hls,
 * {@code aud} viewer, {@code sub} who it was minted for, {@code iat}, {@code exp}, and either {@code cameras} (a list
 * of camera ids, or {@code ["*"]} for all) or {@code account} (an account id: every camera that belongs to that
 * account when a request is made, and no other; issue 19 item 2). A token with both or neither is refused. Tokens are not stored: whoever holds the signing key can mint them, so the key lives
 * only in playlist-service's config (and the local demo's secrets file).
 */
public final class ViewerTokens {
  static final String ISSUER = "ipc-hls";
  static final String AUDIENCE = "viewer";
  /** A token naming more cameras than this is refused at minting: use "*" instead. */
  public static final int MAX_CAMERAS = 1000;
  public static final String ALL_CAMERAS = "*";

  private final JWTAuth jwt;
  private final Clock clock;

  public ViewerTokens(Vertx vertx, String hs256Secret, Clock clock) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(hs256Secret))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE)).setLeeway(5)));
    this.clock = clock;
  }

  /**
   * A token for the cameras (ids or "*") valid for {@code seconds}.
   *
   * @throws ApiException 400 for an empty list, an invalid id or too many cameras
   */
  public Minted mint(String subject, List<String> cameras, int seconds) {
    Set<String> scope = validScope(cameras);
    Instant expires = clock.instant().plusSeconds(seconds);
    JsonObject claims = new JsonObject().put("cameras", new JsonArray(List.copyOf(scope)))
        .put("iat", clock.instant().getEpochSecond()).put("exp", expires.getEpochSecond());
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE)).setSubject(subject).setNoTimestamp(true));
    return new Minted(token, expires, scope, null);
  }

  /** A token for every camera of {@code account} (an account id) valid for {@code seconds}. */
  public Minted mintForAccount(String subject, String account, int seconds) {
    AccountIds.require(account);
    Instant expires = clock.instant().plusSeconds(seconds);
    JsonObject claims = new JsonObject().put("account", account)
        .put("iat", clock.instant().getEpochSecond()).put("exp", expires.getEpochSecond());
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE)).setSubject(subject).setNoTimestamp(true));
    return new Minted(token, expires, null, account);
  }

  /** A minted token, when it expires and the cameras (or, for an account token, the account) it covers. */
  public record Minted(String token, Instant expiresAt, Set<String> cameras, String account) {}

  /**
   * The verified token's camera scope (for an account token: the account, its cameras still to be looked up); fails
   * with 401 for a bad, foreign or expired token.
   */
  public Future<ViewerScope> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiException.unauthorized(reason(e))))
        .compose(user -> {
          JsonObject p = user.principal();
          // the library checked exp if present; a token without one would never expire, so it is refused
          if (!user.attributes().containsKey("exp")) {
            return Future.failedFuture(ApiException.unauthorized("viewer token has no expiry"));
          }
          Object account = p.getValue("account");
          if (account != null) {
            if (p.containsKey("cameras") || !(account instanceof String id) || !AccountIds.isValid(id)) {
              return Future.failedFuture(ApiException.unauthorized("viewer token has an invalid account scope"));
            }
            return Future.succeededFuture(ViewerScope.ofAccount(id));
          }
          if (!(p.getValue("cameras") instanceof JsonArray cameras)) {
            return Future.failedFuture(ApiException.unauthorized("viewer token has no camera scope"));
          }
          Set<String> scope = new LinkedHashSet<>();
          for (Object c : cameras) {
            if (c instanceof String id) scope.add(id);
          }
          return Future.succeededFuture(ViewerScope.ofCameras(scope));
        });
  }

  private static String reason(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase();
    return m.contains("expired") ? "viewer token expired" : "invalid viewer token";
  }

  private static Set<String> validScope(List<String> cameras) {
    if (cameras == null || cameras.isEmpty()) {
      throw ApiException.badRequest("invalid_cameras", "cameras must list at least one camera id or \"*\"");
    }
    if (cameras.size() > MAX_CAMERAS) {
      throw ApiException.badRequest("invalid_cameras", "a token may name at most " + MAX_CAMERAS + " cameras; use \"*\"");
    }
    Set<String> scope = new LinkedHashSet<>();
    for (String c : cameras) {
      if (!ALL_CAMERAS.equals(c) && !CameraIds.isValid(c)) {
        throw ApiException.badRequest("invalid_cameras", "not a camera id: " + (c == null ? "null" : abbreviate(c)));
      }
      scope.add(c);
    }
    return scope.contains(ALL_CAMERAS) ? Set.of(ALL_CAMERAS) : scope;
  }

  private static String abbreviate(String s) {
    return s.length() <= 70 ? s : s.substring(0, 70) + "...";
  }
}
