package io.ipchls.ingest.events;

import io.ipchls.ingest.IngestMetrics;
import io.ipchls.ingest.events.EventCheck.Accepted;
import io.ipchls.ingest.events.EventCheck.Rejection;
import io.ipchls.kit.http.ApiException;
import io.ipchls.kit.registry.CameraRegistryReader;
import io.ipchls.protocol.CameraIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * {@code POST /api/v1/cameras/{id}/events} (admin): an app's event, checked exactly as a camera's
 * ({@link EventCheck}): 400 with the code of the first bad field, 404 for a camera that is not registered, 201 with
 * the stored event, or 200 with the one stored before under the same id (a retry adds nothing).
 */
public final class EventHandlers {
  public static final String PATH = "/cameras/:id/events";

  private final EventRepository events;
  private final CameraRegistryReader registry;
  private final EventCheck check;
  private final IngestMetrics metrics;

  public EventHandlers(Pool pool, int maxFutureSkewSeconds, IngestMetrics metrics) {
    this.events = new EventRepository(pool);
    this.registry = new CameraRegistryReader(pool);
    this.check = new EventCheck(maxFutureSkewSeconds);
    this.metrics = metrics;
  }

  public Future<JsonObject> post(RoutingContext ctx) {
    String cameraId = ctx.pathParam("id");
    if (!CameraIds.isValid(cameraId)) {
      throw rejected(new Rejection(null, "invalid_camera_id", "camera id must match " + CameraIds.PATTERN.pattern()));
    }
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    EventCheck.Result result = check.check(body, System.currentTimeMillis());
    if (result instanceof Rejection r) throw rejected(r);
    Accepted a = (Accepted) result;
    return registry.prefixes(java.util.List.of(cameraId)).compose(found -> {
      if (found.isPresent() && !found.get().containsKey(cameraId)) {
        metrics.eventRejected("http", "unknown_camera");
        return Future.failedFuture(new ApiException(404, "unknown_camera", "no such camera: " + cameraId));
      }
      return events.store(cameraId, a.event(), "http");
    }).map(stored -> {
      metrics.eventAccepted("http", stored.created());
      ctx.response().setStatusCode(stored.created() ? 201 : 200)
          .putHeader("Location", "/api/v1/cameras/" + cameraId + "/events/" + stored.id());
      return stored.toJson();
    });
  }

  private ApiException rejected(Rejection r) {
    metrics.eventRejected("http", r.reason());
    return ApiException.badRequest(r.reason(), r.detail());
  }
}
