package io.ipchls.ingest.control;

import io.ipchls.protocol.Json;
import io.ipchls.protocol.RecordingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Writes recording events into the outbox {@code ingest.recording_events}, always with the connection of the
 * transaction that made the change the event reports. The dispatcher (callbacks) publishes {@code payload} verbatim.
 */
final class EventOutbox {
  static final String INSERT = """
      INSERT INTO ingest.recording_events (type, camera_id, task_id, template_id, occurred_at, payload)
      SELECT t, c, k, p, timestamptz 'epoch' + ms * interval '1 millisecond', j::jsonb
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS x(t, c, k, p, ms, j)""";

  private final MeterRegistry registry;

  EventOutbox(MeterRegistry registry) {
    this.registry = registry;
  }

  Future<Void> write(SqlClient tx, List<RecordingEvent> events) {
    if (events.isEmpty()) return Future.succeededFuture();
    Tuple args = Tuple.tuple()
        .addArrayOfString(events.stream().map(RecordingEvent::type).toArray(String[]::new))
        .addArrayOfString(events.stream().map(RecordingEvent::cameraId).toArray(String[]::new))
        .addArrayOfString(events.stream().map(RecordingEvent::taskId).toArray(String[]::new))
        .addArrayOfString(events.stream().map(RecordingEvent::templateId).toArray(String[]::new))
        .addArrayOfLong(events.stream().map(RecordingEvent::time).toArray(Long[]::new))
        .addArrayOfString(events.stream().map(Json::encodeToString).toArray(String[]::new));
    return tx.preparedQuery(INSERT).execute(args).map(v -> {
      // counted when the statement succeeded; a rolled-back transaction may count an event that is retried later
      events.forEach(e -> Counter.builder("recording.events").description("recording events written to the outbox")
          .tag("type", e.type()).register(registry).increment());
      return null;
    });
  }
}
