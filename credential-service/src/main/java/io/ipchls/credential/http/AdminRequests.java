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

  /** {@code POST /api/v1/cameras} body {@code {id, prefix?}}; the prefix defaults to the id. */
  record Register(String id, String prefix) {
    static Register from(RoutingContext ctx) {
      JsonObject body = Routes.jsonBody(ctx);
      String id = cameraId(body.getValue("id"));
      Object prefix = body.getValue("prefix");
      if (prefix == null) return new Register(id, id);
      if (!(prefix instanceof String p) || p.length() > MAX_PREFIX_CHARS || ObjectKeys.normalize(p).isEmpty()) {
        throw ApiException.badRequest("bad_prefix",
            "prefix must be 1.." + MAX_PREFIX_CHARS + " chars of clean path segments without leading or trailing '/'");
      }
      if (ObjectKeys.isServicePrefix(p)) {
        throw ApiException.badRequest("bad_prefix", "prefix '" + p + "' is kept for the services' own objects ("
            + ObjectKeys.SERVICE_SEGMENT + "/...: clip exports)");
      }
      return new Register(id, ObjectKeys.requirePrefix(p));
    }
  }

  /** {@code PATCH /api/v1/cameras/{id}} body {@code {enabled}}. */
  record SetEnabled(String id, boolean enabled) {
    static SetEnabled from(RoutingContext ctx) {
      String id = pathId(ctx);
      if (!(Routes.jsonBody(ctx).getValue("enabled") instanceof Boolean enabled)) {
        throw ApiException.badRequest("bad_enabled", "body must be {\"enabled\": true|false}");
      }
      return new SetEnabled(id, enabled);
    }
  }

  /** {@code GET /api/v1/cameras?limit=&after=}: keyset paging by id. */
  record Page(int limit, String after) {
    static Page from(RoutingContext ctx) {
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
        throw ApiException.badRequest("bad_after", "after must be a camera id");
      }
      return new Page(n, after);
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
