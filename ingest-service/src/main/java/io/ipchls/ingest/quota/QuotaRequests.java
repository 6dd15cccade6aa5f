package io.ipchls.ingest.quota;

import io.ipchls.ingest.retention.RetentionConfig;
import io.ipchls.kit.config.IntSetting;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.http.Routes;
import io.ipchls.protocol.CameraIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The quota API's typed requests, parsed and checked before any I/O; bad input is a 400. */
final class QuotaRequests {
  /** What to do when the quota is reached: delete the oldest segments, or refuse new ones. */
  static final List<String> POLICIES = List.of("ring", "stop");
  /** 1 PiB: a larger quota is a typo. */
  static final long MAX_QUOTA_BYTES = 1L << 50;

  private QuotaRequests() {}

  static String validCameraId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!CameraIds.isValid(id)) {
      throw ApiException.badRequest("invalid_camera_id", "camera id must match " + CameraIds.PATTERN.pattern());
    }
    return id;
  }

  /**
   * {@code PUT /cameras/{id}/quota {maxBytes, policy, retentionDays?}}: {@code retentionDays} (optional) sets the
   * camera's own retention, the days half of "bytes or days, whichever comes first".
   */
  record Put(String cameraId, long maxBytes, String policy, Integer retentionDays) {
    static Put from(RoutingContext ctx) {
      String id = validCameraId(ctx);
      JsonObject b = Routes.jsonBody(ctx);
      Object max = b.getValue("maxBytes");
      if (!(max instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > MAX_QUOTA_BYTES) {
        throw ApiException.badRequest("bad_max_bytes", "maxBytes must be an integer in [1, " + MAX_QUOTA_BYTES + "]");
      }
      Object policy = b.getValue("policy");
      if (!(policy instanceof String p) || !POLICIES.contains(p)) {
        throw ApiException.badRequest("bad_policy", "policy must be one of " + POLICIES);
      }
      Object days = b.getValue("retentionDays");
      IntSetting range = RetentionConfig.RETENTION_DAYS;
      if (days != null && (!(days instanceof Integer d) || d < range.min() || d > range.max())) {
        throw ApiException.badRequest("bad_retention_days",
            "retentionDays must be an integer in [" + range.min() + ", " + range.max() + "]");
      }
      return new Put(id, n.longValue(), p, (Integer) days);
    }
  }
}
