package io.ipchls.credential.http;

import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.protocol.CameraIds;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The admin API's typed requests, parsed and validated before any I/O; bad input is a 400. */
final class AdminRequests {
  static final int MAX_PREFIX_CHARS = 512;
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private AdminRequests() {}

  /**
   * {@code POST /api/v1/cameras} body {@code {id, prefix?, account?}}; the prefix defaults to the id, the account to
   * none.
   */
  record Register(String id, String prefix, String account) {
    static Register from(RoutingContext ctx) {
      JsonObject body = Routes.jsonBody(ctx);
      String id = cameraId(body.getValue("id"));
      String account = body.getValue("account") == null ? null
          : AccountRequests.accountId(body.getValue("account"), "account");
      Object prefix = body.getValue("prefix");
      if (prefix == null) return new Register(id, id, account);
      if (!(prefix instanceof String p) || p.length() > MAX_PREFIX_CHARS || ObjectKeys.normalize(p).isEmpty()) {
        throw ApiException.badRequest("bad_prefix",
            "prefix must be 1.." + MAX_PREFIX_CHARS + " chars of clean path segments without leading or trailing '/'");
      }
      if (ObjectKeys.isServicePrefix(p)) {
        throw ApiException.badRequest("bad_prefix", "prefix '" + p + "' is kept for the services' own objects ("
            + ObjectKeys.SERVICE_SEGMENT + "/...: clip exports)");
      }
      return new Register(id, ObjectKeys.requirePrefix(p), account);
    }
  }

  /**
   * {@code PATCH /api/v1/cameras/{id}} body {@code {enabled?, account?}}, at least one: {@code account} an account id
   * or null (out of its account).
   */
  record Patch(String id, Boolean enabled, boolean setAccount, String account) {
    static Patch from(RoutingContext ctx) {
      String id = pathId(ctx);
      JsonObject body = Routes.jsonBody(ctx);
      if (!body.containsKey("enabled") && !body.containsKey("account")) {
        throw ApiException.badRequest("bad_enabled", "body must be {\"enabled\": true|false} and/or "
            + "{\"account\": id|null}");
      }
      Object enabled = body.getValue("enabled");
      if (body.containsKey("enabled") && !(enabled instanceof Boolean)) {
        throw ApiException.badRequest("bad_enabled", "enabled must be true or false");
      }
      boolean setAccount = body.containsKey("account");
      String account = body.getValue("account") == null ? null
          : AccountRequests.accountId(body.getValue("account"), "account");
      return new Patch(id, (Boolean) enabled, setAccount, account);
    }
  }

  /** {@code GET /api/v1/cameras?limit=&after=&account=}: keyset paging by id, optionally one account's. */
  record Page(int limit, String after, String account) {
    static Page from(RoutingContext ctx) {
      String account = ctx.queryParams().get("account");
      if (account != null) AccountRequests.accountId(account, "account");
      Page p = page(ctx, /* idsAre= */ "a camera id");
      return new Page(p.limit(), p.after(), account);
    }

    /** {@code ?limit=&after=} where {@code after} is a camera id or, for account pages, an account id. */
    static Page page(RoutingContext ctx, String idsAre) {
      String limit = ctx.queryParams().get("limit");
      String after = ctx.queryParams().get("after");
      int n = DEFAULT_PAGE;
      if (limit != null) {
        try {
          n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 1 || n > MAX_PAGE) throw ApiException.badRequest("bad_limit", "limit must be 1.." + MAX_PAGE);
      }
      if (after != null && !CameraIds.isValid(after)) {
        throw ApiException.badRequest("bad_after", "after must be " + idsAre);
      }
      return new Page(n, after, null);
    }
  }

  static String pathId(RoutingContext ctx) {
    return cameraId(ctx.pathParam("id"));
  }

  private static String cameraId(Object id) {
    if (!(id instanceof String s) || !CameraIds.isValid(s)) {
      throw ApiException.badRequest("bad_id", "camera id must match " + CameraIds.PATTERN.pattern());
    }
    return s;
  }
}
