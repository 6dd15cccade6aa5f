package io.ipchls.ingest.events;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** An event as stored; {@code created}: this request stored it (false: the same id was there already). */
public record StoredEvent(String cameraId, String id, String type, String label, long start, Long end,
    JsonObject data, String source, long receivedAt, boolean created) {

  static StoredEvent from(Row r, boolean created) {
    OffsetDateTime end = r.getOffsetDateTime("end_at");
    Object data = r.getValue("data");
    return new StoredEvent(r.getString("camera_id"), r.getString("event_id"), r.getString("type"),
        r.getString("label"), r.getOffsetDateTime("start_at").toInstant().toEpochMilli(),
        end == null ? null : end.toInstant().toEpochMilli(), data instanceof JsonObject o ? o : null,
        r.getString("source"), r.getOffsetDateTime("received_at").toInstant().toEpochMilli(), created);
  }

  /** The JSON answer of the HTTP API (times in epoch ms, absent fields omitted). */
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("cameraId", cameraId).put("id", id).put("type", type).put("start", start);
    if (label != null) o.put("label", label);
    if (end != null) o.put("end", end);
    if (data != null) o.put("data", data);
    return o.put("source", source).put("receivedAt", receivedAt);
  }
}
