package io.ipchls.playlist.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.protocol.AccountIds;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/v1/viewer-tokens}, parsed before any I/O: either {@code cameras} (ids or {@code ["*"]}, checked
 * further by {@code ViewerTokens#mint}) or {@code account}, plus {@code ttlSeconds} and {@code subject}.
 *
 * @param cameras null for an account token
 * @param account null for a camera token
 */
record MintRequest(List<String> cameras, String account, int seconds, String subject) {
  static MintRequest from(RoutingContext ctx, int maxSeconds, int defaultSeconds) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("invalid_json", "the body must be a JSON object");
    }
    if (body == null) throw ApiException.badRequest("invalid_json", "the body must be a JSON object");
    Object ttl = body.getValue("ttlSeconds", defaultSeconds);
    if (!(ttl instanceof Integer seconds) || seconds < 60 || seconds > maxSeconds) {
      throw ApiException.badRequest("invalid_ttl", "ttlSeconds must be an integer in [60, " + maxSeconds + "]");
    }
    Object subject = body.getValue("subject", "viewer");
    if (!(subject instanceof String sub) || sub.isBlank() || sub.length() > 200) {
      throw ApiException.badRequest("invalid_subject", "subject must be a string of 1 to 200 characters");
    }
    if (body.containsKey("account")) {
      if (body.containsKey("cameras")) {
        throw ApiException.badRequest("invalid_scope", "name either cameras or account, not both");
      }
      if (!(body.getValue("account") instanceof String account) || !AccountIds.isValid(account)) {
        throw ApiException.badRequest("invalid_account", "account must be an account id matching "
            + AccountIds.PATTERN.pattern());
      }
      return new MintRequest(null, account, seconds, sub);
    }
    if (!(body.getValue("cameras") instanceof JsonArray array)) {
      throw ApiException.badRequest("invalid_cameras",
          "cameras must be an array of camera ids or [\"*\"] (or name an account instead)");
    }
    List<String> cameras = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof String s)) throw ApiException.badRequest("invalid_cameras", "cameras must hold strings");
      cameras.add(s);
    }
    return new MintRequest(cameras, null, seconds, sub);
  }
}
