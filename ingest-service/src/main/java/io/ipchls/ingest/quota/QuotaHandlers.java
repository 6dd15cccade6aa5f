package io.ipchls.ingest.quota;

import io.ipchls.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * {@code /api/v1/cameras/{id}/quota} (admin): a camera's storage quota, bytes with policy ring (the oldest segments go,
 * recording never stops) or stop (new segments are refused and an event is raised), beside its own retention in days.
 * Enforced from the camera's counters: ring by the retention sweeper every {@code quotaIntervalSeconds}, stop by
 * indexing (a changed policy reaches it within its 30 s cache of camera policies).
 */
public final class QuotaHandlers {
  public static final String PATH = "/cameras/:id/quota";

  private final QuotaRepository quotas;

  public QuotaHandlers(Pool pool) {
    this.quotas = new QuotaRepository(pool);
  }

  public Future<JsonObject> put(RoutingContext ctx) {
    var req = QuotaRequests.Put.from(ctx);
    return quotas.put(req).compose(x -> quotas.get(req.cameraId())).map(found -> found.orElseThrow());
  }

  public Future<JsonObject> get(RoutingContext ctx) {
    String id = QuotaRequests.validCameraId(ctx);
    return quotas.get(id).map(found -> found.orElseThrow(() -> noQuota(id)));
  }

  public Future<Void> delete(RoutingContext ctx) {
    String id = QuotaRequests.validCameraId(ctx);
    return quotas.delete(id).compose(gone -> {
      if (!gone) return Future.failedFuture(noQuota(id));
      return ctx.response().setStatusCode(204).end();
    });
  }

  private static ApiException noQuota(String id) {
    return new ApiException(404, "no_quota", "camera " + id + " has no storage quota");
  }
}
