package io.ipchls.ingest.events;

import static io.ipchls.ingest.IngestTestSupport.ADMIN_TOKEN;
import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.EventRejected;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Camera events (issue 18 item 5) end to end on the shared stack: each bad field is refused on
 * {@code cameras/{id}/events/rejected} with its reason and over HTTP with a 400 naming it, leaving no row; the same
 * event id again stores nothing new; events of many cameras interleaved with their segments are all stored while
 * every segment is indexed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventsTest {
  private static IngestTestSupport ingest;
  private static WebClient http;

  @BeforeAll
  static void start(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
    // credential-service's migration makes the registry that the HTTP API checks camera ids against
    await(Database.migrate(vertx, ingest.config.db(), "credential"));
    http = WebClient.create(vertx);
  }

  private static String registered(String what) {
    String id = cameraId(what);
    await(ingest.pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix) VALUES ($1, 'x', $1)")
        .execute(Tuple.of(id)));
    return id;
  }

  private static String event(String id, String type, long start, String more) {
    return "{\"v\":1,\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"start\":" + start + more + "}";
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static HttpResponse<Buffer> post(String cameraId, String body) {
    return await(http.post(ingest.httpPort, "127.0.0.1", "/api/v1/cameras/" + cameraId + "/events")
        .bearerTokenAuthentication(ADMIN_TOKEN).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  private static List<JsonObject> rows(String cameraId) {
    var rows = await(ingest.pool.preparedQuery("SELECT event_id, type, label, start_at, end_at, data, source "
        + "FROM ingest.events WHERE camera_id = $1 ORDER BY start_at, event_id").execute(Tuple.of(cameraId)));
    List<JsonObject> out = new ArrayList<>();
    for (Row r : rows) out.add(r.toJson());
    return out;
  }

  /**
   * The bad event (built for a start time) is refused over MQTT with {@code code} and over HTTP with a 400 and
   * {@code code}; neither leaves a row, and a good event from the same camera is stored afterwards.
   */
  private static void refusedBothWays(String code, Function<Long, String> bad) {
    String id = registered("bad-" + code);
    try (EventCamera cam = new EventCamera(ingest, id)) {
      cam.publishEvent(bad.apply(now() - 5_000));
      EventRejected r = cam.awaitRejection();
      assertTrue(r.reason().startsWith(code + ": "), r.reason());
      HttpResponse<Buffer> resp = post(id, bad.apply(now() - 5_000));
      assertEquals(400, resp.statusCode(), resp.bodyAsString());
      assertEquals(code, resp.bodyAsJsonObject().getString("error"), resp.bodyAsString());
      assertTrue(resp.bodyAsJsonObject().getString("message").length() > 5, resp.bodyAsString());
      cam.publishEvent(event("good-1", "motion", now() - 1_000, ""));
      List<JsonObject> stored = Await.until("the good event of " + id, Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
          () -> rows(id), l -> !l.isEmpty());
      assertEquals(List.of("good-1"), stored.stream().map(o -> o.getString("event_id")).toList());
    }
  }

  @Test
  void malformedJson_isRefused() {
    refusedBothWays("malformed", t -> "{\"v\":1,\"id\":");
  }

  @Test
  void startAsString_isRefused() {
    refusedBothWays("malformed", t -> "{\"v\":1,\"id\":\"e\",\"type\":\"motion\",\"start\":\"" + t + "\"}");
  }

  @Test
  void unsupportedVersion_isRefused() {
    refusedBothWays("unsupported_version", t -> event("e1", "motion", t, "").replace("\"v\":1", "\"v\":2"));
  }

  @Test
  void idOutsideGrammar_isRefused() {
    refusedBothWays("bad_id", t -> event("a/b", "motion", t, ""));
  }

  @Test
  void idTooLong_isRefused() {
    refusedBothWays("bad_id", t -> event("x".repeat(65), "motion", t, ""));
  }

  @Test
  void unknownType_isRefused() {
    refusedBothWays("bad_type", t -> event("e1", "explosion", t, ""));
  }

  @Test
  void labelWithControlCharacter_isRefused() {
    refusedBothWays("bad_label", t -> event("e1", "custom", t, ",\"label\":\"a\\nb\""));
  }

  @Test
  void labelTooLong_isRefused() {
    refusedBothWays("bad_label", t -> event("e1", "custom", t, ",\"label\":\"" + "x".repeat(65) + "\""));
  }

  @Test
  void startBefore2000_isRefused() {
    refusedBothWays("bad_start", t -> event("e1", "motion", 1000L, ""));
  }

  @Test
  void startFarInFuture_isRefused() {
    long ahead = (ingest.config.indexing().maxFutureSkewSeconds() + 600) * 1000L;
    refusedBothWays("too_far_in_future", t -> event("e1", "motion", now() + ahead, ""));
  }

  @Test
  void endBeforeStart_isRefused() {
    refusedBothWays("bad_end", t -> event("e1", "motion", t, ",\"end\":" + (t - 1)));
  }

  @Test
  void endMoreThanADayAfterStart_isRefused() {
    refusedBothWays("bad_end", t -> event("e1", "motion", t - 2 * 86_400_000L, ",\"end\":" + t));
  }

  @Test
  void nestedData_isRefused() {
    refusedBothWays("bad_data", t -> event("e1", "motion", t, ",\"data\":{\"zone\":{\"x\":1}}"));
  }

  @Test
  void tooManyDataEntries_isRefused() {
    StringBuilder data = new StringBuilder(",\"data\":{");
    for (int i = 0; i < 17; i++) data.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    refusedBothWays("bad_data", t -> event("e1", "motion", t, data + "}"));
  }

  @Test
  void unknownCamera_overHttp_is404() {
    HttpResponse<Buffer> resp = post(cameraId("nobody"), event("e1", "motion", now(), ""));
    assertEquals(404, resp.statusCode(), resp.bodyAsString());
    assertEquals("unknown_camera", resp.bodyAsJsonObject().getString("error"));
  }

  @Test
  void withoutAdminToken_is401() {
    HttpResponse<Buffer> resp = await(http.post(ingest.httpPort, "127.0.0.1", "/api/v1/cameras/x/events")
        .sendBuffer(Buffer.buffer(event("e1", "motion", now(), ""))));
    assertEquals(401, resp.statusCode(), resp.bodyAsString());
  }

  @Test
  void sameEventAgain_overMqttAndHttp_isStoredOnce() {
    String id = registered("idem");
    long t = now() - 10_000;
    String json = event("door-42", "doorbell", t, ",\"label\":\"Front door\",\"end\":" + (t + 2500)
        + ",\"data\":{\"zone\":\"porch\",\"score\":0.75,\"n\":3,\"night\":true}");
    try (EventCamera cam = new EventCamera(ingest, id)) {
      cam.publishEvent(json);
      cam.publishEvent(json);
      Await.until("the event", Duration.ofMillis(IngestTestSupport.TIMEOUT_MS), () -> rows(id), l -> !l.isEmpty());
    }
    HttpResponse<Buffer> again = post(id, json);
    assertEquals(200, again.statusCode(), again.bodyAsString());
    JsonObject body = again.bodyAsJsonObject();
    assertEquals("mqtt", body.getString("source"), "the first stored wins");
    assertEquals(t + 2500, body.getLong("end"));
    assertEquals(new JsonObject().put("zone", "porch").put("score", 0.75).put("n", 3).put("night", true),
        body.getJsonObject("data"));
    HttpResponse<Buffer> created = post(id, event("bell-2", "doorbell", t + 60_000, ""));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("http", created.bodyAsJsonObject().getString("source"));
    List<JsonObject> stored = rows(id);
    assertEquals(List.of("door-42", "bell-2"), stored.stream().map(o -> o.getString("event_id")).toList());
    assertEquals("Front door", stored.get(0).getString("label"));
  }

  @Test
  void eventsOfManyCameras_amongTheirSegments_areAllStored_andEverySegmentIndexed() {
    int cameras = 6;
    int rounds = 8;
    List<EventCamera> cams = new ArrayList<>();
    List<List<String>> keys = new ArrayList<>();
    for (int c = 0; c < cameras; c++) {
      cams.add(new EventCamera(ingest, registered("mix" + c)));
      keys.add(new ArrayList<>());
    }
    try {
      for (int i = 0; i < rounds; i++) {
        for (int c = 0; c < cameras; c++) {
          EventCamera cam = cams.get(c);
          SegmentNotification s = segment(cam.id, 60_000 - i * 3000L);
          keys.get(c).add(s.key());
          cam.publishSegment(s);
          cam.publishEvent(event("m-" + i, i % 2 == 0 ? "motion" : "person", s.start() + 500, ""));
          if (i == 3) cam.publishEvent(event("bad", "nothing", s.start(), "")); // refused, stops nothing
        }
      }
      for (int c = 0; c < cameras; c++) {
        EventCamera cam = cams.get(c);
        assertEquals(keys.get(c), ingest.awaitKeys(cam.id, k -> k.size() >= rounds), "segments of " + cam.id);
        List<JsonObject> stored = Await.until("events of " + cam.id, Duration.ofMillis(IngestTestSupport.TIMEOUT_MS),
            () -> rows(cam.id), l -> l.size() >= rounds);
        assertEquals(rounds, stored.size());
        assertTrue(cam.awaitRejection().reason().startsWith("bad_type: "));
      }
    } finally {
      cams.forEach(EventCamera::close);
    }
  }
}
