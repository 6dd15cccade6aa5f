package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.db.Database;
import io.ipchls.playlist.CorsConfig;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CORS and HEAD on every GET route, as a browser and a client see them: an allowed origin gets
 * {@code Access-Control-Allow-Origin} (playlists, proxied segments, the JSON APIs, their errors), any other origin
 * gets no CORS header, preflights are answered 204 or refused with a 403 JSON, and HEAD answers with GET's status and
 * headers and no body. One instance with an allow-list (proxy mode, so proxied segments are covered), one allowing
 * any origin (the demo's setting).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class CrossOriginTest {
  static final String ALLOWED = "http://127.0.0.1:5173";
  static final String OTHER = "http://127.0.0.1:6666";
  private static final String RANGE = "&start=2025-03-01%2010:00:00&end=2025-03-01%2011:00:00";
  private static final TestStack env = new TestStack();
  private static Pool pool;
  private static WebClient client;
  private static int listed;
  private static int any;
  private static String cam;
  private static String token;
  private static String segmentPath;
  private static String shortLinkPath;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    var allowList = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24, SegmentAccess.PROXY,
        /* open= */ false).withCors(CorsConfig.parse(ALLOWED + ", https://viewer.example.com/")));
    var anyOrigin = new PlaylistHttpVerticle(env.config(24).withCors(CorsConfig.parse("*")));
    await(vertx.deployVerticle(allowList));
    await(vertx.deployVerticle(anyOrigin));
    listed = allowList.port();
    any = anyOrigin.port();
    client = WebClient.create(vertx);
    cam = TestStack.camera("cors");
    token = TestStack.token(vertx, cam);
    List<Seg> replay = contiguous(cam, Instant.parse("2025-03-01T10:00:00Z"), 3000, 3000, 3000);
    List<Seg> live = contiguous(cam, Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(20), 3000, 3000);
    List<Seg> all = new ArrayList<>(replay);
    all.addAll(live);
    TestStack.register(pool, cam);
    TestStack.insert(pool, all);
    env.upload(all);
    String playlist = send(listed, HttpMethod.GET, "/replay.m3u8?camera_id=" + cam + RANGE + "&links=full", ALLOWED,
        token).bodyAsString();
    segmentPath = "/" + playlist.lines().filter(l -> l.startsWith("segments/")).findFirst().orElseThrow();
    shortLinkPath = "/" + send(listed, HttpMethod.GET, "/replay.m3u8?camera_id=" + cam + RANGE, ALLOWED, token)
        .bodyAsString().lines().filter(l -> l.startsWith("s/")).findFirst().orElseThrow();
  }

  /** Every GET route a viewer's page calls (the token in the header; a short link needs none). */
  private static List<String> viewerRoutes() {
    return List.of("/playlist.m3u8?camera_id=" + cam, "/replay.m3u8?camera_id=" + cam + RANGE,
        "/api/v1/cameras", "/api/v1/cameras/" + cam + "/recordings?" + RANGE.substring(1),
        "/api/v1/cameras/" + cam + "/timeline?" + RANGE.substring(1), segmentPath, shortLinkPath);
  }

  @Test
  void allowedOrigin_readsEveryViewerRoute() {
    for (String path : viewerRoutes()) {
      HttpResponse<Buffer> r = send(listed, HttpMethod.GET, path, ALLOWED, token);
      assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
      assertEquals(ALLOWED, r.getHeader("Access-Control-Allow-Origin"), path);
      assertTrue(r.getHeader("Vary").contains("Origin"), path);
      assertTrue(r.getHeader("Access-Control-Expose-Headers").contains("Content-Length"), path);
      assertNull(r.getHeader("Access-Control-Allow-Credentials"), path);
    }
    // the second listed origin, written with a trailing slash in the setting
    assertEquals("https://viewer.example.com", send(listed, HttpMethod.GET, viewerRoutes().get(0),
        "https://viewer.example.com", token).getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void allowedOrigin_readsErrorsToo() {
    HttpResponse<Buffer> noToken = send(listed, HttpMethod.GET, "/replay.m3u8?camera_id=" + cam + RANGE, ALLOWED,
        null);
    assertEquals(401, noToken.statusCode());
    assertEquals(ALLOWED, noToken.getHeader("Access-Control-Allow-Origin"));
    assertEquals("unauthorized", noToken.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> otherCamera = send(listed, HttpMethod.GET, "/playlist.m3u8?camera_id=cors-not-mine",
        ALLOWED, token);
    assertEquals(403, otherCamera.statusCode());
    assertEquals(ALLOWED, otherCamera.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void otherOrigin_getsNoCorsHeaders_soTheBrowserWithholdsTheAnswer() {
    for (String path : viewerRoutes()) {
      HttpResponse<Buffer> r = send(listed, HttpMethod.GET, path, OTHER, token);
      assertEquals(200, r.statusCode(), path);
      assertNull(r.getHeader("Access-Control-Allow-Origin"), path);
      assertNull(r.getHeader("Access-Control-Expose-Headers"), path);
      assertTrue(r.getHeader("Vary").contains("Origin"), path);
    }
    // "null" (a sandboxed page, a file) and a look-alike are other origins
    for (String origin : List.of("null", ALLOWED + ".evil.example", "http://127.0.0.1:51730")) {
      assertNull(send(listed, HttpMethod.GET, viewerRoutes().get(0), origin, token)
          .getHeader("Access-Control-Allow-Origin"), origin);
    }
  }

  @Test
  void preflight_fromAllowedOrigin_allowsGetAndHeadWithAuthorizationAndRange() {
    for (String path : viewerRoutes()) {
      HttpResponse<Buffer> r = preflight(listed, path, ALLOWED, "GET", "authorization, range");
      assertEquals(204, r.statusCode(), path + ": " + r.bodyAsString());
      assertEquals(ALLOWED, r.getHeader("Access-Control-Allow-Origin"), path);
      assertEquals("GET, HEAD", r.getHeader("Access-Control-Allow-Methods"));
      assertEquals("Authorization, Range", r.getHeader("Access-Control-Allow-Headers"));
      assertEquals("600", r.getHeader("Access-Control-Max-Age"));
      assertEquals(0, r.body() == null ? 0 : r.body().length());
    }
    assertEquals(204, preflight(listed, viewerRoutes().get(0), ALLOWED, "HEAD", null).statusCode());
  }

  @Test
  void preflight_refused_is403JsonWithoutCorsHeaders() {
    String path = viewerRoutes().get(1);
    expectRefusal(preflight(listed, path, OTHER, "GET", "authorization"), "origin_not_allowed", false);
    expectRefusal(preflight(listed, "/api/v1/viewer-tokens", ALLOWED, "POST", "authorization, content-type"),
        "method_not_allowed_cross_origin", true);
    expectRefusal(preflight(listed, path, ALLOWED, "GET", "authorization, x-custom"),
        "header_not_allowed_cross_origin", true);
  }

  @Test
  void anyOrigin_answersStar_withoutVary() {
    HttpResponse<Buffer> r = send(any, HttpMethod.GET, viewerRoutes().get(1), OTHER, token);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("*", r.getHeader("Access-Control-Allow-Origin"));
    assertTrue(!r.headers().getAll("Vary").contains("Origin"), "no Vary: Origin when any origin gets the same answer");
    HttpResponse<Buffer> p = preflight(any, viewerRoutes().get(1), "null", "GET", "authorization");
    assertEquals(204, p.statusCode());
    assertEquals("*", p.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void head_answersEveryGetRoute_withItsStatusAndHeaders_andNoBody() {
    List<String> paths = new ArrayList<>(viewerRoutes());
    paths.addAll(List.of("/health", "/openapi.yaml", "/", "/replay.m3u8?camera_id=" + cam, // 400
        "/api/v1/cameras/cors-unknown/timeline?" + RANGE.substring(1), // 404
        "/no/such/route"));
    for (String path : paths) {
      HttpResponse<Buffer> get = send(listed, HttpMethod.GET, path, ALLOWED, token);
      HttpResponse<Buffer> head = send(listed, HttpMethod.HEAD, path, ALLOWED, token);
      assertEquals(get.statusCode(), head.statusCode(), path);
      for (String h : List.of("Content-Type", "Content-Length", "Access-Control-Allow-Origin", "Cache-Control")) {
        assertEquals(get.getHeader(h), head.getHeader(h), h + " of HEAD " + path);
      }
      assertTrue(get.body() != null && get.body().length() > 0, path);
      assertEquals(0, head.body() == null ? 0 : head.body().length(), "HEAD " + path + " has no body");
    }
    HttpResponse<Buffer> unauthorized = send(listed, HttpMethod.HEAD, viewerRoutes().get(0), ALLOWED, null);
    assertEquals(401, unauthorized.statusCode());
    // after a HEAD of a proxied segment, the segment still streams whole
    assertEquals(send(listed, HttpMethod.GET, segmentPath, null, token).body().length(),
        Integer.parseInt(send(listed, HttpMethod.HEAD, segmentPath, null, token).getHeader("Content-Length")));
  }

  private static void expectRefusal(HttpResponse<Buffer> r, String code, boolean originAllowed) {
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getString("error"), body.encode());
    assertTrue(body.getString("message").length() > 10, body.encode());
    if (originAllowed) {
      assertEquals(ALLOWED, r.getHeader("Access-Control-Allow-Origin"));
    } else {
      assertNull(r.getHeader("Access-Control-Allow-Origin"));
    }
  }

  private static HttpResponse<Buffer> preflight(int port, String path, String origin, String method,
      String headers) {
    HttpRequest<Buffer> r = client.request(HttpMethod.OPTIONS, port, "127.0.0.1", path).putHeader("Origin", origin)
        .putHeader("Access-Control-Request-Method", method);
    if (headers != null) r.putHeader("Access-Control-Request-Headers", headers);
    return await(r.send());
  }

  static HttpResponse<Buffer> send(int port, HttpMethod method, String path, String origin, String bearer) {
    HttpRequest<Buffer> r = client.request(method, port, "127.0.0.1", path);
    if (origin != null) r.putHeader("Origin", origin);
    if (bearer != null) r.bearerTokenAuthentication(bearer);
    return await(r.send());
  }
}
