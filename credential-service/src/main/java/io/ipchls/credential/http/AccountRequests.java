package io.ipchls.credential.http;

import io.ipchls.credential.auth.ReservedIds;
import io.ipchls.credential.db.AccountRepository.Fields;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.protocol.AccountIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** The account API's typed requests, parsed and validated before any I/O; bad input is a 400 naming the field. */
final class AccountRequests {
  static final int MAX_DISPLAY_NAME = 200;
  static final int MAX_QUOTA_DAYS = 36_500;
  static final Set<String> POLICIES = Set.of("ring", "stop");
  private static final Set<String> CREATE_FIELDS = Set.of("id", "displayName", "quota");
  private static final Set<String> UPDATE_FIELDS = Set.of("displayName", "quota");
  private static final Set<String> QUOTA_FIELDS = Set.of("bytes", "days", "policy");

  private AccountRequests() {}

  /** {@code POST /api/v1/accounts} body {@code {id, displayName?, quota?: {bytes?, days?, policy?}}}. */
  record Create(String id, Fields fields) {
    static Create from(RoutingContext ctx) {
      JsonObject body = Routes.jsonBody(ctx);
      onlyFields(body, CREATE_FIELDS);
      String id = accountId(body.getValue("id"), "id");
      if (ReservedIds.isReservedAccount(id)) {
        throw ApiException.badRequest("reserved_id", "'" + id + "' is reserved: " + ReservedIds.accountRule());
      }
      String name = body.containsKey("displayName") ? displayName(body.getValue("displayName")) : id;
      return new Create(id, quota(body, name));
    }
  }

  /** {@code PATCH /api/v1/accounts/{id}} body {@code {displayName?, quota?}}; a quota field set to null clears it. */
  record Update(String id, Fields fields) {
    static Update from(RoutingContext ctx) {
      String id = pathId(ctx);
      JsonObject body = Routes.jsonBody(ctx);
      onlyFields(body, UPDATE_FIELDS);
      if (body.isEmpty()) throw ApiException.badRequest("empty_update", "name displayName and/or quota to change");
      String name = body.containsKey("displayName") ? displayName(body.getValue("displayName")) : null;
      return new Update(id, quota(body, name));
    }
  }

  static String pathId(RoutingContext ctx) {
    return accountId(ctx.pathParam("id"), "account id");
  }

  /** An account id from JSON or a path, or 400 {@code bad_account_id}. */
  static String accountId(Object id, String what) {
    if (!(id instanceof String s) || !AccountIds.isValid(s)) {
      throw ApiException.badRequest("bad_account_id", what + " must be an account id matching "
          + AccountIds.PATTERN.pattern());
    }
    return s;
  }

  private static String displayName(Object value) {
    if (!(value instanceof String s) || s.isBlank() || s.length() > MAX_DISPLAY_NAME
        || s.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("bad_display_name",
          "displayName must be 1.." + MAX_DISPLAY_NAME + " characters without control characters");
    }
    return s;
  }

  private static Fields quota(JsonObject body, String displayName) {
    Object q = body.getValue("quota");
    if (q == null) return new Fields(displayName, null, null, null, false, false);
    if (!(q instanceof JsonObject quota)) {
      throw ApiException.badRequest("bad_quota", "quota must be an object {bytes?, days?, policy?}");
    }
    onlyFields(quota, QUOTA_FIELDS);
    Object bytes = quota.getValue("bytes");
    Object days = quota.getValue("days");
    Object policy = quota.getValue("policy");
    if (bytes != null && !(isIntegral(bytes) && ((Number) bytes).longValue() > 0)) {
      throw ApiException.badRequest("bad_quota_bytes", "quota.bytes must be a whole number of bytes > 0, or null");
    }
    if (days != null && !(isIntegral(days) && ((Number) days).longValue() >= 1
        && ((Number) days).longValue() <= MAX_QUOTA_DAYS)) {
      throw ApiException.badRequest("bad_quota_days", "quota.days must be a whole number 1.." + MAX_QUOTA_DAYS
          + ", or null");
    }
    if (policy != null && !(policy instanceof String p && POLICIES.contains(p))) {
      throw ApiException.badRequest("bad_quota_policy", "quota.policy must be \"ring\" or \"stop\"");
    }
    return new Fields(displayName, bytes == null ? null : ((Number) bytes).longValue(),
        days == null ? null : ((Number) days).intValue(), (String) policy,
        quota.containsKey("bytes") && bytes == null, quota.containsKey("days") && days == null);
  }

  private static boolean isIntegral(Object v) {
    return v instanceof Integer || v instanceof Long;
  }

  private static void onlyFields(JsonObject body, Set<String> allowed) {
    for (String k : body.fieldNames()) {
      if (!allowed.contains(k)) {
        throw ApiException.badRequest("unknown_field", "unknown field '" + abbreviate(k) + "'; allowed: "
            + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
