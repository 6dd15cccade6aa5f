package io.ipchls.ingest.control;

import static io.ipchls.ingest.IngestTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.RecordingEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Recording control in tests: the admin API over HTTP, the real camera registry, the event outbox. */
public final class ControlTestSupport {
  public final IngestTestSupport ingest;
  private final WebClient web;

  public ControlTestSupport(IngestTestSupport ingest) {
    this.ingest = ingest;
    this.web = WebClient.create(ingest.vertx);
    // credential-service's own migration: the registry and its read view the task API checks cameras against
    // (Flyway does nothing when a test of this JVM already ran it)
    await(Database.migrate(ingest.vertx, ingest.config.db(), "credential"));
  }

  /** Registers a camera in the device registry (as credential-service's API would) with this storage prefix. */
  public String register(String what, String prefix) {
    String id = IngestTestSupport.cameraId(what);
    await(ingest.pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix) VALUES ($1, $2, $3)")
        .execute(Tuple.of(id, "not-a-login-test", prefix == null ? id : prefix.replace("{id}", id))));
    return id;
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, Object body) {
    var req = web.request(method, ingest.httpPort, "127.0.0.1", "/api/v1" + path)
        .putHeader("Authorization", "Bearer " + IngestTestSupport.ADMIN_TOKEN);
    if (body == null) return await(req.send());
    if (body instanceof String raw) return await(req.putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(raw)));
    return await(req.sendJsonObject((JsonObject) body));
  }

  JsonObject ok(HttpMethod method, String path, Object body, int status) {
    HttpResponse<Buffer> r = call(method, path, body);
    assertEquals(status, r.statusCode(), r.bodyAsString());
    return r.body() == null ? null : r.bodyAsJsonObject();
  }

  /** Asserts the JSON error of a refused request. */
  void refused(HttpMethod method, String path, Object body, int status, String code) {
    HttpResponse<Buffer> r = call(method, path, body);
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  public static JsonObject template(String name) {
    return new JsonObject().put("name", name + "-" + UUID.randomUUID()).put("segmentSeconds", 2)
        .put("retentionDays", 3).put("indexPeriodSeconds", 60).put("prefixPattern", "{prefix}/tasks/{task}");
  }

  public String createTemplate(JsonObject body) {
    return ok(HttpMethod.POST, "/record-templates", body, 201).getString("id");
  }

  JsonObject startTask(String templateId, String... cameras) {
    return ok(HttpMethod.POST, "/record-tasks", new JsonObject().put("templateId", templateId)
        .put("cameraIds", new JsonArray(List.of(cameras))), 201);
  }

  /** The camera's events in the outbox, oldest first, as their payloads. */
  List<RecordingEvent> events(String cameraId) {
    var rows = await(ingest.pool.preparedQuery("SELECT payload::text, type, task_id, template_id "
        + "FROM ingest.recording_events WHERE camera_id = $1 ORDER BY event_id").execute(Tuple.of(cameraId)));
    List<RecordingEvent> out = new ArrayList<>();
    for (Row r : rows) {
      RecordingEvent e = Json.decode(r.getString(0).getBytes(), RecordingEvent.class);
      assertEquals(r.getString("type"), e.type(), "the row's type is the payload's");
      assertEquals(r.getString("task_id"), e.taskId());
      assertEquals(r.getString("template_id"), e.templateId());
      out.add(e);
    }
    return out;
  }

  List<RecordingEvent> awaitEvents(String cameraId, java.util.function.Predicate<List<RecordingEvent>> done) {
    return Await.until("events of " + cameraId, Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
        () -> events(cameraId), done);
  }

  static long count(List<RecordingEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).count();
  }
}
