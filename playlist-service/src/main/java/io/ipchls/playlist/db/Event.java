package io.ipchls.playlist.db;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A camera event as {@code ingest.events_v1} has it: {@code end} null for an instant; label and data optional. */
public record Event(String id, String type, String label, Instant start, Instant end, JsonObject data) {
  static Event from(Row r) {
    OffsetDateTime end = r.getOffsetDateTime("end_at");
    Object data = r.getValue("data");
    return new Event(r.getString("event_id"), r.getString("type"), r.getString("label"),
        r.getOffsetDateTime("start_at").toInstant(), end == null ? null : end.toInstant(),
        data instanceof JsonObject o ? o : null);
  }

  /** The JSON of the events API: times in UTC epoch ms, absent fields omitted. */
  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("id", id).put("type", type).put("start", start.toEpochMilli());
    if (label != null) o.put("label", label);
    if (end != null) o.put("end", end.toEpochMilli());
    if (data != null) o.put("data", data);
    return o;
  }
}
