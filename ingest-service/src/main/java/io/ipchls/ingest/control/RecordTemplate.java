package io.ipchls.ingest.control;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A record template (row of {@code ingest.record_templates}); {@code container} is {@code ts}, {@code fmp4} or null
 * (each camera keeps its own segment format); {@code recording} the recording mode and storage plan.
 */
public record RecordTemplate(String id, String name, int segmentSeconds, int retentionDays, int indexPeriodSeconds,
    String prefixPattern, List<String> events, List<String> webhooks, OffsetDateTime createdAt,
    OffsetDateTime updatedAt, String container, TemplateRecording recording) {

  static RecordTemplate from(Row r) {
    JsonObject cb = (JsonObject) r.getValue("callbacks");
    return new RecordTemplate(r.getString("template_id"), r.getString("name"), r.getInteger("segment_seconds"),
        r.getInteger("retention_days"), r.getInteger("index_period_seconds"), r.getString("prefix_pattern"),
        strings(cb.getJsonArray("events")), strings(cb.getJsonArray("webhooks")),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"), r.getString("container"),
        TemplateRecording.from(r));
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }

  /** The stored form of the callbacks: {@code {"events": [...], "webhooks": [...]}}. */
  JsonObject callbacksJson() {
    return new JsonObject().put("events", new JsonArray(events)).put("webhooks", new JsonArray(webhooks));
  }

  JsonObject toJson() {
    return recording.putInto(new JsonObject()).put("id", id).put("name", name).put("segmentSeconds", segmentSeconds)
        .put("retentionDays", retentionDays).put("indexPeriodSeconds", indexPeriodSeconds)
        .put("prefixPattern", prefixPattern).put("container", container).put("callbacks", callbacksJson())
        .put("createdAt", createdAt == null ? null : createdAt.toInstant().toEpochMilli())
        .put("updatedAt", updatedAt == null ? null : updatedAt.toInstant().toEpochMilli());
  }
}
