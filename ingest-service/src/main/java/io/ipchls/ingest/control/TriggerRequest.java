package io.ipchls.ingest.control;

import io.ipchls.kit.http.ApiException;
import io.ipchls.protocol.CameraEvent;
import io.ipchls.protocol.CameraIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /cameras/{id}/trigger}: the camera and an optional {@code eventId} (the camera event id grammar, only
 * logged by the camera). A bad value is a 400 before any I/O.
 */
record TriggerRequest(String cameraId, String eventId) {
  static TriggerRequest from(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!CameraIds.isValid(id)) throw ApiException.badRequest("bad_camera_id", "not a camera id");
    JsonObject body = ctx.body().isEmpty() ? new JsonObject() : bodyObject(ctx);
    Object eventId = body.getValue("eventId");
    if (eventId != null && !(eventId instanceof String e && CameraEvent.ID.matcher(e).matches())) {
      throw ApiException.badRequest("bad_event_id", "eventId must match " + CameraEvent.ID.pattern());
    }
    return new TriggerRequest(id, (String) eventId);
  }

  private static JsonObject bodyObject(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw ApiException.badRequest("bad_json", "the body must be a JSON object");
    }
  }
}
