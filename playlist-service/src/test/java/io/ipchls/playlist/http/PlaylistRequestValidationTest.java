package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.playlist.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every bad request is a 4xx with a JSON {error, message} body, decided before any I/O. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class PlaylistRequestValidationTest {
  private static final String OK_START = "2025-03-01%2010:00:00";
  private static final String OK_END = "2025-03-01%2011:00:00";
  private static WebClient client;
  private static int port;
  private static String token;

  @BeforeAll
  static void start(Vertx vertx) {
    var env = new TestStack();
    var verticle = new PlaylistHttpVerticle(env.config(2));
    await(vertx.deployVerticle(verticle));
    port = verticle.port();
    client = WebClient.create(vertx);
    token = TestStack.token(vertx, "*");
  }

  @Test
  void live_missingCameraId_is400() {
    expect(400, "invalid_camera_id", "/playlist.m3u8");
  }

  @Test
  void live_emptyCameraId_is400() {
    expect(400, "invalid_camera_id", "/playlist.m3u8?camera_id=");
  }

  @Test
  void live_invalidCameraId_is400() {
    expect(400, "invalid_camera_id", "/playlist.m3u8?camera_id=Cam%2F..%2Fother");
  }

  @Test
  void replay_missingCameraId_is400() {
    expect(400, "invalid_camera_id", "/replay.m3u8?start=" + OK_START + "&end=" + OK_END);
  }

  @Test
  void replay_invalidCameraId_is400() {
    expect(400, "invalid_camera_id", "/replay.m3u8?camera_id=-cam&start=" + OK_START + "&end=" + OK_END);
  }

  @Test
  void replay_missingStart_is400() {
    expect(400, "invalid_time", "/replay.m3u8?camera_id=cam&end=" + OK_END);
  }

  @Test
  void replay_missingEnd_is400() {
    expect(400, "invalid_time", "/replay.m3u8?camera_id=cam&start=" + OK_START);
  }

  @Test
  void replay_unparsableStart_is400() {
    expect(400, "invalid_time", "/replay.m3u8?camera_id=cam&start=yesterday&end=" + OK_END);
  }

  @Test
  void replay_unparsableEnd_is400() {
    expect(400, "invalid_time", "/replay.m3u8?camera_id=cam&start=" + OK_START + "&end=2025-02-30%2010:00:00");
  }

  @Test
  void replay_isoTimeWithoutOffset_is400() {
    expect(400, "invalid_time", "/replay.m3u8?camera_id=cam&start=2025-03-01T10:00:00&end=" + OK_END);
  }

  @Test
  void replay_endEqualsStart_is400() {
    expect(400, "invalid_range", "/replay.m3u8?camera_id=cam&start=" + OK_START + "&end=2025-03-01T10:00:00Z");
  }

  @Test
  void replay_endBeforeStart_is400() {
    expect(400, "invalid_range", "/replay.m3u8?camera_id=cam&start=" + OK_END + "&end=" + OK_START);
  }

  @Test
  void replay_rangeLongerThanMaxReplayHours_is400() {
    expect(400, "range_too_long", "/replay.m3u8?camera_id=cam&start=" + OK_START + "&end=2025-03-01%2012:00:01");
  }

  @Test
  void live_sqlInjectionInCameraId_is400() {
    expect(400, "invalid_camera_id", "/playlist.m3u8?camera_id=cam%27%20OR%20%271%27=%271");
  }

  @Test
  void replay_sqlInjectionInCameraId_is400() {
    expect(400, "invalid_camera_id", "/replay.m3u8?camera_id=cam%27;DROP%20TABLE%20ingest.segments;--&start="
        + OK_START + "&end=" + OK_END);
  }

  @Test
  void replay_sqlInjectionInStart_is400() {
    expect(400, "invalid_time", "/replay.m3u8?camera_id=cam&start=2025-03-01%2010:00:00%27%20OR%201=1--&end=" + OK_END);
  }

  @Test
  void replay_headerInjectionInEnd_is400() {
    expect(400, "invalid_time", "/replay.m3u8?camera_id=cam&start=" + OK_START
        + "&end=2025-03-01%2011:00:00%0D%0ASet-Cookie:%20x=y");
  }

  @Test
  void live_overlongCameraId_is400() {
    expect(400, "invalid_camera_id", "/playlist.m3u8?camera_id=" + "a".repeat(300));
  }

  @Test
  void unknownPath_is404Json() {
    expect(404, "not_found", "/nothing-here.m3u8");
  }

  private static void expect(int status, String error, String uri) {
    HttpResponse<?> r = await(client.get(port, "127.0.0.1", uri).bearerTokenAuthentication(token).send());
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(error, body.getString("error"));
    assertTrue(body.getString("message") != null && !body.getString("message").isBlank(), body.encode());
  }
}
