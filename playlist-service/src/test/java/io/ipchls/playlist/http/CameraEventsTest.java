package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.events.EventRepository;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.ipchls.protocol.CameraEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Camera events for viewers (issue 18 item 5): searched by camera, type and time through {@code /api/v1/events} with
 * the viewer token's camera scope, and written into replay playlists as {@code EXT-X-DATERANGE} tags that match the
 * stored events, in the compact and the full form.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class CameraEventsTest {
  private static final TestStack env = new TestStack();
  private static final Instant T0 = Instant.parse("2025-04-01T10:00:00Z");
  private static final Pattern DATERANGE = Pattern.compile("#EXT-X-DATERANGE:ID=\"([^\"]+)\",CLASS=\"([^\"]+)\","
      + "START-DATE=\"([^\"]+)\"(?:,END-DATE=\"([^\"]+)\")?(?:,X-IPCHLS-LABEL=\"([^\"]*)\")?");
  private static Pool pool;
  private static WebClient client;
  private static Vertx vertx;
  private static int port;
  private static String camera;
  private static String other;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    env.migrateIngest(v);
    pool = Database.pool(v, env.db());
    var p = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    await(v.deployVerticle(p));
    port = p.port();
    client = WebClient.create(v);
    camera = TestStack.camera("events");
    other = TestStack.camera("events-other");
    TestStack.register(pool, camera);
    TestStack.register(pool, other);
    int[] durations = new int[40];
    java.util.Arrays.fill(durations, 3000);
    List<Seg> segs = TestStack.contiguous(camera, T0, durations); // 10:00:00 - 10:02:00
    TestStack.insert(pool, segs);
    EventRepository events = new EventRepository(pool);
    store(events, camera, new CameraEvent(1, "m-1", "motion", null, ms("10:00:05"), ms("10:00:20"), null));
    store(events, camera, new CameraEvent(1, "p-1", "person", "Ann \"the\" visitor", ms("10:00:40"), ms("10:00:45"),
        Map.of("score", 0.91, "zone", "porch")));
    store(events, camera, new CameraEvent(1, "bell-1", "doorbell", null, ms("10:01:10"), null, null));
    store(events, camera, new CameraEvent(1, "m-2", "motion", null, ms("10:05:00"), null, null)); // after the video
    store(events, other, new CameraEvent(1, "m-1", "motion", null, ms("10:00:06"), null, null));
  }

  private static long ms(String time) {
    return Instant.parse("2025-04-01T" + time + "Z").toEpochMilli();
  }

  private static void store(EventRepository events, String cameraId, CameraEvent e) {
    assertEquals(List.of(), e.problems());
    await(events.store(cameraId, e, "http"));
  }

  private static HttpResponse<Buffer> get(String path, String token) {
    return await(client.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String search(String cam, String query) {
    return "/api/v1/events?camera_id=" + cam + query;
  }

  private static List<String> ids(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray list = r.bodyAsJsonObject().getJsonArray("events");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) out.add(list.getJsonObject(i).getString("id"));
    return out;
  }

  private static final String HOUR = "&start=2025-04-01T10:00:00Z&end=2025-04-01T11:00:00Z";

  @Test
  void search_byCameraTypeAndTime() {
    String token = TestStack.token(vertx, camera);
    assertEquals(List.of("m-1", "p-1", "bell-1", "m-2"), ids(get(search(camera, HOUR), token)));
    assertEquals(List.of("m-1", "m-2"), ids(get(search(camera, HOUR + "&type=motion"), token)));
    // overlapping: m-1 runs 10:00:05-10:00:20, so a range from 10:00:10 still holds it
    assertEquals(List.of("m-1", "p-1"),
        ids(get(search(camera, "&start=2025-04-01T10:00:10Z&end=2025-04-01T10:01:00Z"), token)));
    HttpResponse<Buffer> page = get(search(camera, HOUR + "&limit=2"), token);
    assertEquals(List.of("m-1", "p-1"), ids(page));
    assertTrue(page.bodyAsJsonObject().getBoolean("more"));
    JsonObject person = page.bodyAsJsonObject().getJsonArray("events").getJsonObject(1);
    assertEquals(new JsonObject().put("id", "p-1").put("type", "person").put("start", ms("10:00:40"))
        .put("label", "Ann \"the\" visitor").put("end", ms("10:00:45"))
        .put("data", new JsonObject().put("score", 0.91).put("zone", "porch")), person);
    assertEquals(List.of(), ids(get(search(camera, "&start=2025-04-02T10:00:00Z&end=2025-04-02T11:00:00Z"), token)));
  }

  @Test
  void search_tokenForAnotherCamera_is403() {
    assertEquals(403, get(search(camera, HOUR), TestStack.token(vertx, other)).statusCode());
  }

  @Test
  void search_unknownCamera_is404() {
    HttpResponse<Buffer> r = get(search("nobody-events", HOUR), TestStack.token(vertx, "*"));
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertEquals("unknown_camera", r.bodyAsJsonObject().getString("error"));
  }

  private static void badRequest(String query, String code) {
    HttpResponse<Buffer> r = get("/api/v1/events?" + query, TestStack.token(vertx, "*"));
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void search_withoutCamera_is400() {
    badRequest(HOUR.substring(1), "invalid_camera_id");
  }

  @Test
  void search_unknownType_is400() {
    badRequest("camera_id=" + camera + HOUR + "&type=meteor", "invalid_type");
  }

  @Test
  void search_withoutStart_is400() {
    badRequest("camera_id=" + camera + "&end=2025-04-01T11:00:00Z", "invalid_time");
  }

  @Test
  void search_endBeforeStart_is400() {
    badRequest("camera_id=" + camera + "&start=2025-04-01T11:00:00Z&end=2025-04-01T10:00:00Z", "invalid_range");
  }

  @Test
  void search_rangeOverAMonth_is400() {
    badRequest("camera_id=" + camera + "&start=2025-04-01T00:00:00Z&end=2025-05-03T00:00:00Z", "range_too_long");
  }

  @Test
  void search_limitOverMax_is400() {
    badRequest("camera_id=" + camera + HOUR + "&limit=1001", "invalid_limit");
  }

  /** The playlist's date ranges, each as [id, class, start, end, label] (null for absent attributes). */
  private static List<List<String>> dateRanges(String playlist) {
    List<List<String>> out = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      if (!line.startsWith("#EXT-X-DATERANGE:")) continue;
      Matcher m = DATERANGE.matcher(line);
      assertTrue(m.matches(), line);
      out.add(java.util.Arrays.asList(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
    }
    return out;
  }

  @Test
  void replayPlaylist_carriesTheRangesEventsAsDateRanges_inBothLinkForms() {
    String token = TestStack.token(vertx, camera);
    String range = "&start=2025-04-01T10:00:00Z&end=2025-04-01T10:02:00Z";
    List<List<String>> expected = List.of(
        java.util.Arrays.asList("m-1", "io.ipchls.event.motion", "2025-04-01T10:00:05.000Z",
            "2025-04-01T10:00:20.000Z", null),
        java.util.Arrays.asList("p-1", "io.ipchls.event.person", "2025-04-01T10:00:40.000Z",
            "2025-04-01T10:00:45.000Z", "Ann 'the' visitor"),
        java.util.Arrays.asList("bell-1", "io.ipchls.event.doorbell", "2025-04-01T10:01:10.000Z", null, null));
    for (String links : new String[] {"", "&links=full"}) {
      HttpResponse<Buffer> r = get("/replay.m3u8?camera_id=" + camera + range + links, token);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      String text = r.bodyAsString();
      assertEquals(expected, dateRanges(text), text);
      assertTrue(text.contains("#EXT-X-PROGRAM-DATE-TIME:"), "RFC 8216 4.3.2.7 needs a program date-time");
      // each range sits right before the segment that plays its start: 10:01:10 is the 24th segment (10:01:09)
      String[] lines = text.split("\n");
      int bell = indexOf(lines, "ID=\"bell-1\"");
      assertTrue(lines[bell + 1].startsWith("#EXTINF:"), lines[bell + 1]);
      assertEquals(23, segmentsBefore(lines, bell), "segments listed before the doorbell");
    }
    // the other camera's event with the same id is not in this camera's playlist, and vice versa
    HttpResponse<Buffer> o = get("/api/v1/events?camera_id=" + other + HOUR, TestStack.token(vertx, other));
    assertEquals(List.of("m-1"), ids(o));
    assertEquals(ms("10:00:06"), o.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("start"));
  }

  @Test
  void replayPlaylist_withoutEventsInTheRange_hasNoDateRange() {
    int[] durations = {3000, 3000};
    String quiet = TestStack.camera("quiet");
    TestStack.register(pool, quiet);
    TestStack.insert(pool, TestStack.contiguous(quiet, T0, durations));
    HttpResponse<Buffer> r = get("/replay.m3u8?camera_id=" + quiet + "&start=" + enc("2025-04-01T10:00:00Z")
        + "&end=" + enc("2025-04-01T10:01:00Z"), TestStack.token(vertx, quiet));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertFalse(r.bodyAsString().contains("EXT-X-DATERANGE"), r.bodyAsString());
  }

  private static int indexOf(String[] lines, String part) {
    for (int i = 0; i < lines.length; i++) if (lines[i].contains(part)) return i;
    throw new AssertionError("no line with " + part);
  }

  private static int segmentsBefore(String[] lines, int index) {
    int n = 0;
    for (int i = 0; i < index; i++) if (lines[i].startsWith("#EXTINF:")) n++;
    return n;
  }
}
