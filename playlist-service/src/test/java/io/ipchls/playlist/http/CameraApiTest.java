package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.contiguous;
import static io.ipchls.playlist.http.ViewerAccessTest.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JSON APIs: camera list, recordings (180 s rule, paging), timeline of spans and gaps. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class CameraApiTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final String DAY = "start=2025-03-01T00:00:00Z&end=2025-03-02T00:00:00Z";
  private static final TestStack env = new TestStack();
  private static PlaylistUnderTest app;

  @BeforeAll
  static void start(Vertx vertx) {
    app = PlaylistUnderTest.start(vertx, env);
  }

  /**
   * 10:00:00-10:00:09, a 120 s gap (same recording), 10:02:09-10:02:15, a 300 s gap (new recording),
   * 10:07:15-10:07:21.
   */
  private static List<Seg> threeRunsTwoRecordings(String cam) {
    List<Seg> all = new ArrayList<>(contiguous(cam, T0, 3000, 3000, 3000));
    all.addAll(contiguous(cam, T0.plusSeconds(129), 3000, 3000));
    all.addAll(contiguous(cam, T0.plusSeconds(435), 3000, 3000));
    TestStack.register(app.pool(), cam);
    TestStack.insert(app.pool(), all);
    return all;
  }

  @Test
  void recordings_gapUpTo180sContinues_longerGapStartsNewRecording() {
    String cam = TestStack.camera("rec");
    List<Seg> segs = threeRunsTwoRecordings(cam);
    JsonObject body = ok("/api/v1/cameras/" + cam + "/recordings?" + DAY);
    assertEquals(2, body.getInteger("total"));
    JsonArray recs = body.getJsonArray("recordings");
    JsonObject first = recs.getJsonObject(0);
    assertEquals(T0.toEpochMilli(), first.getLong("start"));
    assertEquals(T0.plusSeconds(135).toEpochMilli(), first.getLong("end"));
    assertEquals(135_000, first.getLong("durationMs"));
    assertEquals(5, first.getInteger("segments"));
    long bytes = segs.subList(0, 5).stream().mapToLong(s -> s.bytes().length).sum();
    assertEquals(bytes, first.getLong("bytes"));
    JsonObject second = recs.getJsonObject(1);
    assertEquals(T0.plusSeconds(435).toEpochMilli(), second.getLong("start"));
    assertEquals(2, second.getInteger("segments"));
  }

  @Test
  void recordings_playlistUrl_replaysExactlyThatRecording() {
    String cam = TestStack.camera("rec-url");
    List<Seg> segs = threeRunsTwoRecordings(cam);
    String url = ok("/api/v1/cameras/" + cam + "/recordings?" + DAY).getJsonArray("recordings").getJsonObject(1)
        .getString("playlistUrl");
    HttpResponse<Buffer> r = app.get(url + "&links=full"); // the seed's form names the keys
    assertEquals(200, r.statusCode(), r.bodyAsString());
    List<String> uris = r.bodyAsString().lines().filter(l -> !l.startsWith("#")).toList();
    assertEquals(2, uris.size(), r.bodyAsString());
    assertTrue(uris.get(0).contains(segs.get(5).key()) && uris.get(1).contains(segs.get(6).key()), uris.toString());
  }

  @Test
  void recordings_paging_splitsTheListAndKeepsTheTotal() {
    String cam = TestStack.camera("rec-page");
    threeRunsTwoRecordings(cam);
    JsonObject page2 = ok("/api/v1/cameras/" + cam + "/recordings?" + DAY + "&page=2&pageSize=1");
    assertEquals(2, page2.getInteger("total"));
    assertEquals(1, page2.getJsonArray("recordings").size());
    assertEquals(T0.plusSeconds(435).toEpochMilli(), page2.getJsonArray("recordings").getJsonObject(0).getLong("start"));
    assertEquals(0, ok("/api/v1/cameras/" + cam + "/recordings?" + DAY + "&page=3&pageSize=1")
        .getJsonArray("recordings").size());
  }

  @Test
  void timeline_spansAreContinuousPlayback_gapsFillTheRestUpToNow() {
    String cam = TestStack.camera("timeline");
    threeRunsTwoRecordings(cam);
    JsonObject body = ok("/api/v1/cameras/" + cam + "/timeline?start=2025-03-01T09:59:00Z&end=2025-03-01T10:10:00Z");
    JsonArray spans = body.getJsonArray("spans");
    assertEquals(3, spans.size(), spans.encode());
    assertEquals(interval(T0, T0.plusSeconds(9)), spans.getJsonObject(0));
    assertEquals(interval(T0.plusSeconds(129), T0.plusSeconds(135)), spans.getJsonObject(1));
    assertEquals(interval(T0.plusSeconds(435), T0.plusSeconds(441)), spans.getJsonObject(2));
    JsonArray gaps = body.getJsonArray("gaps");
    assertEquals(new JsonArray().add(interval(T0.minusSeconds(60), T0)).add(interval(T0.plusSeconds(9),
        T0.plusSeconds(129))).add(interval(T0.plusSeconds(135), T0.plusSeconds(435)))
        .add(interval(T0.plusSeconds(441), T0.plusSeconds(600))), gaps);
    assertEquals(21_000, body.getLong("recordedMs"));
  }

  @Test
  void timeline_clipsSpansToTheRange() {
    String cam = TestStack.camera("timeline-clip");
    threeRunsTwoRecordings(cam);
    JsonObject body = ok("/api/v1/cameras/" + cam + "/timeline?start=2025-03-01T10:00:04Z&end=2025-03-01T10:00:07Z");
    assertEquals(new JsonArray().add(interval(T0.plusSeconds(4), T0.plusSeconds(7))), body.getJsonArray("spans"));
    assertEquals(0, body.getJsonArray("gaps").size());
  }

  @Test
  void cameras_listsRegisteredCamerasWithOnlineStateAndLastSegment() {
    String live = TestStack.camera("list-live");
    String idle = TestStack.camera("list-idle");
    TestStack.register(app.pool(), live);
    TestStack.register(app.pool(), idle);
    List<Seg> recent = contiguous(live, Instant.now().minusSeconds(10), 3000);
    TestStack.insert(app.pool(), recent);
    JsonArray cameras = new JsonArray();
    String after = null;
    do { // page through everything the shared database holds
      JsonObject page = ok("/api/v1/cameras?limit=50" + (after == null ? "" : "&after=" + after));
      cameras.addAll(page.getJsonArray("cameras"));
      after = page.getString("next");
    } while (after != null);
    JsonObject l = find(cameras, live);
    assertTrue(l.getBoolean("online"), l.encode());
    assertEquals(recent.get(0).start().toEpochMilli(), l.getLong("lastSegmentStart"));
    assertEquals("/playlist.m3u8?camera_id=" + live, l.getString("liveUrl"));
    JsonObject i = find(cameras, idle);
    assertFalse(i.getBoolean("online"), i.encode());
    assertNull(i.getLong("lastSegmentStart"));
  }

  @Test
  void cameras_limitOne_pagesWithNextCursor() {
    TestStack.register(app.pool(), TestStack.camera("page-a"));
    TestStack.register(app.pool(), TestStack.camera("page-b"));
    JsonObject first = ok("/api/v1/cameras?limit=1");
    assertEquals(1, first.getJsonArray("cameras").size());
    String next = first.getString("next");
    JsonObject second = ok("/api/v1/cameras?limit=1&after=" + next);
    assertTrue(second.getJsonArray("cameras").getJsonObject(0).getString("id").compareTo(next) > 0);
  }

  @Test
  void recordings_unknownCamera_is404() {
    expectError(get("/api/v1/cameras/" + TestStack.camera("ghost") + "/recordings?" + DAY), 404, "unknown_camera");
  }

  @Test
  void timeline_unknownCamera_is404() {
    expectError(get("/api/v1/cameras/" + TestStack.camera("ghost") + "/timeline?" + DAY), 404, "unknown_camera");
  }

  @Test
  void recordings_rangeOverMaximum_is400() {
    expectError(get("/api/v1/cameras/cam/recordings?start=2025-03-01T00:00:00Z&end=2025-03-02T00:00:01Z"),
        400, "range_too_long");
  }

  @Test
  void timeline_endBeforeStart_is400() {
    expectError(get("/api/v1/cameras/cam/timeline?start=2025-03-02T00:00:00Z&end=2025-03-01T00:00:00Z"),
        400, "invalid_range");
  }

  @Test
  void timeline_malformedDate_is400() {
    expectError(get("/api/v1/cameras/cam/timeline?start=2025-13-01T00:00:00Z&end=2025-03-01T00:00:00Z"),
        400, "invalid_time");
  }

  @Test
  void recordings_pageSizeOutOfBounds_is400() {
    expectError(get("/api/v1/cameras/cam/recordings?" + DAY + "&pageSize=100000"), 400, "invalid_pageSize");
  }

  @Test
  void recordings_pageNotANumber_is400() {
    expectError(get("/api/v1/cameras/cam/recordings?" + DAY + "&page=1%27%20OR%201=1"), 400, "invalid_page");
  }

  @Test
  void cameras_limitNotANumber_is400() {
    expectError(get("/api/v1/cameras?limit=ten"), 400, "invalid_limit");
  }

  @Test
  void cameras_afterCursorNotACameraId_is400() {
    expectError(get("/api/v1/cameras?after=x'%20OR%20'1'='1"), 400, "invalid_camera_id");
  }

  @Test
  void recordings_invalidCameraIdInPath_is400() {
    expectError(get("/api/v1/cameras/Cam%20X/recordings?" + DAY), 400, "invalid_camera_id");
  }

  private static JsonObject find(JsonArray cameras, String id) {
    for (int i = 0; i < cameras.size(); i++) {
      if (cameras.getJsonObject(i).getString("id").equals(id)) return cameras.getJsonObject(i);
    }
    throw new AssertionError(id + " not listed in " + cameras.encode());
  }

  private static JsonObject interval(Instant a, Instant b) {
    return new JsonObject().put("start", a.toEpochMilli()).put("end", b.toEpochMilli());
  }

  private static HttpResponse<Buffer> get(String uri) {
    return app.get(uri);
  }

  private static JsonObject ok(String uri) {
    HttpResponse<Buffer> r = get(uri);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    return r.bodyAsJsonObject();
  }
}
