package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.device.codec.Container;
import io.ipchls.device.codec.VideoCodec;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.SdkRecordings;
import io.ipchls.playlist.SdkRecordings.Recording;
import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 18 item 3's API: the thumbnail nearest a time (a redirect to a presigned URL, or the bytes in proxy mode) and
 * the listing a player prefetches, over a recording whose segments each have the JPEG the camera uploaded; one test
 * per bad input.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class ThumbnailApiTest {
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static String token;
  private static int presigned;
  private static int proxy;
  private static Recording rec;
  private static Instant t0;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    vertx = v;
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var p = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24));
    var x = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24, SegmentAccess.PROXY, /* open= */ false));
    await(vertx.deployVerticle(p));
    await(vertx.deployVerticle(x));
    presigned = p.port();
    proxy = x.port();
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    token = TestStack.token(vertx, "*");
    String camera = TestStack.camera("thumbs");
    TestStack.register(pool, camera);
    t0 = Instant.now().minusSeconds(900).truncatedTo(ChronoUnit.MILLIS);
    rec = SdkRecordings.record(env, pool, camera, SdkRecordings.segments(VideoCodec.H264, Container.TS, 6), t0,
        /* thumbnails= */ true);
  }

  private static HttpResponse<Buffer> get(int port, String path) {
    return await(client.get(port, "127.0.0.1", path).bearerTokenAuthentication(token).send());
  }

  private static String nearest(Object time) {
    return "/api/v1/cameras/" + rec.camera() + "/thumbnail?time=" + URLEncoder.encode(time.toString(),
        StandardCharsets.UTF_8);
  }

  private static Instant start(int segment) {
    return rec.rows().get(segment).startAt().toInstant();
  }

  private static void assertBadTime(String time, String detail) {
    HttpResponse<Buffer> r = get(presigned, "/api/v1/cameras/" + rec.camera() + "/thumbnail"
        + (time == null ? "" : "?time=" + URLEncoder.encode(time, StandardCharsets.UTF_8)));
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    assertEquals("invalid_time", r.bodyAsJsonObject().getString("error"));
    assertTrue(r.bodyAsJsonObject().getString("message").contains(detail), r.bodyAsString());
  }

  @Test
  void nearest_presigned_redirectsToTheJpegOfTheSegmentStartingNearest() {
    Instant asked = start(1).plusMillis(700); // 700 ms into segment 1, 1.3 s before segment 2
    HttpResponse<Buffer> r = get(presigned, nearest(asked));
    assertEquals(302, r.statusCode(), r.bodyAsString());
    assertEquals(Long.toString(start(1).toEpochMilli()), r.getHeader("x-thumbnail-time"));
    HttpResponse<Buffer> jpeg = await(client.getAbs(r.getHeader("location")).send());
    assertEquals(200, jpeg.statusCode());
    assertArrayEquals(rec.thumbnails().get(1), jpeg.body().getBytes());
  }

  @Test
  void nearest_epochMillis_proxy_answersTheBytes() {
    Instant asked = start(2).minusMillis(300); // nearer segment 2's start than segment 1's
    HttpResponse<Buffer> r = get(proxy, nearest(asked.toEpochMilli()));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("image/jpeg", r.getHeader("content-type"));
    assertEquals(Long.toString(start(2).toEpochMilli()), r.getHeader("x-thumbnail-time"));
    assertArrayEquals(rec.thumbnails().get(2), r.body().getBytes());
  }

  @Test
  void nearest_head_answersTheHeadersWithoutTheBody() {
    HttpResponse<Buffer> r = await(client.request(HttpMethod.HEAD, proxy, "127.0.0.1", nearest(start(0)))
        .bearerTokenAuthentication(token).send());
    assertEquals(200, r.statusCode());
    assertEquals("image/jpeg", r.getHeader("content-type"));
    assertEquals(Integer.toString(rec.thumbnails().get(0).length), r.getHeader("content-length"));
    assertTrue(r.body() == null || r.body().length() == 0);
  }

  @Test
  void nearest_farFromAnyRecording_is404() {
    HttpResponse<Buffer> r = get(presigned, nearest(start(2).plusSeconds(120)));
    assertEquals(404, r.statusCode());
    assertEquals("no_thumbnail", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void nearest_unknownCamera_is404() {
    HttpResponse<Buffer> r = get(presigned, "/api/v1/cameras/nobody-" + System.nanoTime() + "/thumbnail?time="
        + t0.toEpochMilli());
    assertEquals(404, r.statusCode());
    assertEquals("unknown_camera", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void nearest_withoutTime_is400() {
    assertBadTime(null, "time is required");
  }

  @Test
  void nearest_timeNotATime_is400() {
    assertBadTime("yesterday", "ISO-8601");
  }

  @Test
  void nearest_isoTimeWithoutOffset_is400() {
    assertBadTime("2026-12-06T10:00:00", "ISO-8601 with an offset");
  }

  @Test
  void nearest_epochMillisBefore2000_is400() {
    assertBadTime("123456", "epoch milliseconds must be in");
  }

  @Test
  void nearest_epochMillisOverflowingALong_is400() {
    assertBadTime("99999999999999999999", "epoch milliseconds must be in");
  }

  private static String listing(String extra) {
    return "/api/v1/cameras/" + rec.camera() + "/thumbnails?start=" + enc(t0.toString()) + "&end="
        + enc(t0.plusSeconds(60).toString()) + extra;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void listing_presigned_everyThumbnailWithItsTimeAndAUrlThatLoadsIt() {
    HttpResponse<Buffer> r = get(presigned, listing(""));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(1000, body.getLong("step"), "the least step: a minute needs no more");
    JsonArray list = body.getJsonArray("thumbnails");
    assertEquals(rec.rows().size(), list.size(), body.encodePrettily());
    for (int i = 0; i < list.size(); i++) {
      JsonObject t = list.getJsonObject(i);
      assertEquals(start(i).toEpochMilli(), t.getLong("time"));
      assertEquals(rec.rows().get(i).durationMs(), t.getInteger("durationMs"));
      HttpResponse<Buffer> jpeg = await(client.getAbs(t.getString("url")).send());
      assertArrayEquals(rec.thumbnails().get(i), jpeg.body().getBytes(), "thumbnail " + i);
    }
  }

  @Test
  void listing_withAStep_keepsTheFirstThumbnailOfEachStep() {
    // segments start at t0, +2 s, +4 s: steps of 4 s from t0 hold {0, 1} and {2}
    JsonArray list = get(presigned, listing("&step=4000")).bodyAsJsonObject().getJsonArray("thumbnails");
    assertEquals(2, list.size(), list.encodePrettily());
    assertEquals(start(0).toEpochMilli(), list.getJsonObject(0).getLong("time"));
    assertEquals(start(2).toEpochMilli(), list.getJsonObject(1).getLong("time"));
  }

  @Test
  void listing_proxy_urlsAreProxyPathsCarryingTheToken() {
    JsonArray list = get(proxy, listing("")).bodyAsJsonObject().getJsonArray("thumbnails");
    String url = list.getJsonObject(1).getString("url");
    assertTrue(url.startsWith("/thumbs/" + rec.camera() + "/" + start(1).toEpochMilli() + "/"), url);
    assertTrue(url.contains("?token="), url);
    HttpResponse<Buffer> jpeg = await(client.get(proxy, "127.0.0.1", url).send());
    assertEquals(200, jpeg.statusCode());
    assertEquals("image/jpeg", jpeg.getHeader("content-type"));
    assertArrayEquals(rec.thumbnails().get(1), jpeg.body().getBytes());
  }

  @Test
  void proxy_aKeyTheIndexDoesNotNameForThatSegment_is404() {
    String segmentKey = rec.rows().get(1).objectKey(); // a segment, not the thumbnail the row names
    HttpResponse<Buffer> r = get(proxy, "/thumbs/" + rec.camera() + "/" + start(1).toEpochMilli() + "/"
        + segmentKey);
    assertEquals(404, r.statusCode(), r.bodyAsString());
  }

  @Test
  void listing_stepNotANumber_is400() {
    HttpResponse<Buffer> r = get(presigned, listing("&step=often"));
    assertEquals(400, r.statusCode());
    assertEquals("invalid_step", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void listing_stepBelowASecond_is400() {
    HttpResponse<Buffer> r = get(presigned, listing("&step=500"));
    assertEquals(400, r.statusCode());
    assertEquals("invalid_step", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void listing_stepThatWouldListOverTheCap_is400() {
    HttpResponse<Buffer> r = get(presigned, "/api/v1/cameras/" + rec.camera() + "/thumbnails?start="
        + enc(t0.toString()) + "&end=" + enc(t0.plusSeconds(86_400).toString()) + "&step=1000");
    assertEquals(400, r.statusCode());
    assertEquals("invalid_step", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    assertTrue(r.bodyAsJsonObject().getString("message").contains("at least 43200 ms"), r.bodyAsString());
  }

  @Test
  void listing_endBeforeStart_is400() {
    HttpResponse<Buffer> r = get(presigned, "/api/v1/cameras/" + rec.camera() + "/thumbnails?start="
        + enc(t0.toString()) + "&end=" + enc(t0.minusSeconds(1).toString()));
    assertEquals(400, r.statusCode());
    assertEquals("invalid_range", r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }

  @Test
  void listing_cameraOutsideTheViewersToken_is403() {
    String other = TestStack.token(vertx, "someone");
    HttpResponse<Buffer> r = await(client.get(presigned, "127.0.0.1", listing("")).bearerTokenAuthentication(other)
        .send());
    assertEquals(403, r.statusCode(), r.bodyAsString());
  }
}
