package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.db.Database;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.auth.ViewerTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Who may watch what: viewer tokens on every playlist and API route, and minting them with the admin token. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ViewerAccessTest {
  private static final String RANGE = "&start=2025-03-01%2010:00:00&end=2025-03-01%2011:00:00";
  private static final TestStack env = new TestStack();
  private static WebClient client;
  private static int port;
  private static Vertx vertx;
  private static String camA;
  private static String camB;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    env.migrateIngest(v);
    Pool pool = Database.pool(v, env.db());
    camA = TestStack.camera("view-a");
    camB = TestStack.camera("view-b");
    TestStack.register(pool, camA);
    TestStack.register(pool, camB);
    TestStack.insert(pool, contiguous(camA, Instant.parse("2025-03-01T10:00:00Z"), 3000, 3000));
    TestStack.insert(pool, contiguous(camB, Instant.parse("2025-03-01T10:00:00Z"), 3000, 3000));
    var verticle = new PlaylistHttpVerticle(env.config(24));
    await(v.deployVerticle(verticle));
    port = verticle.port();
    client = WebClient.create(v);
  }

  @Test
  void noToken_is401WithBearerChallenge() {
    HttpResponse<Buffer> r = await(get("/playlist.m3u8?camera_id=" + camA).send());
    expectError(r, 401, "unauthorized");
    assertEquals("Bearer", r.getHeader("WWW-Authenticate"));
  }

  @Test
  void tokenInHeader_opensItsCamera() {
    assertEquals(200, await(get("/replay.m3u8?camera_id=" + camA + RANGE).bearerTokenAuthentication(token(camA))
        .send()).statusCode());
  }

  @Test
  void tokenAsQueryParameter_opensItsCamera_forPlayersWithoutHeaders() {
    HttpResponse<Buffer> r = await(get("/replay.m3u8?camera_id=" + camA + RANGE + "&token=" + token(camA)).send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.bodyAsString().startsWith("#EXTM3U"), r.bodyAsString());
  }

  @Test
  void liveOfCameraTheTokenDoesNotCover_is403() {
    expectError(await(get("/playlist.m3u8?camera_id=" + camB).bearerTokenAuthentication(token(camA)).send()),
        403, "forbidden");
  }

  @Test
  void replayOfCameraTheTokenDoesNotCover_is403() {
    expectError(await(get("/replay.m3u8?camera_id=" + camB + RANGE).bearerTokenAuthentication(token(camA)).send()),
        403, "forbidden");
  }

  @Test
  void recordingsOfCameraTheTokenDoesNotCover_is403() {
    expectError(await(get("/api/v1/cameras/" + camB + "/recordings?" + RANGE.substring(1))
        .bearerTokenAuthentication(token(camA)).send()), 403, "forbidden");
  }

  @Test
  void timelineOfCameraTheTokenDoesNotCover_is403() {
    expectError(await(get("/api/v1/cameras/" + camB + "/timeline?" + RANGE.substring(1))
        .bearerTokenAuthentication(token(camA)).send()), 403, "forbidden");
  }

  @Test
  void cameraList_showsOnlyTheTokensCameras() {
    HttpResponse<Buffer> r = await(get("/api/v1/cameras").bearerTokenAuthentication(token(camA)).send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray cameras = r.bodyAsJsonObject().getJsonArray("cameras");
    assertEquals(1, cameras.size(), cameras.encode());
    assertEquals(camA, cameras.getJsonObject(0).getString("id"));
  }

  @Test
  void expiredToken_is401NamingExpiry() {
    String expired = new ViewerTokens(vertx, TestStack.JWT_SECRET, Clock.offset(Clock.systemUTC(), Duration.ofHours(-2)))
        .mint("old", List.of(camA), 3600).token();
    HttpResponse<Buffer> r = await(get("/playlist.m3u8?camera_id=" + camA).bearerTokenAuthentication(expired).send());
    expectError(r, 401, "unauthorized");
    assertTrue(r.bodyAsJsonObject().getString("message").contains("expired"), r.bodyAsString());
  }

  @Test
  void tokenSignedWithAnotherKey_is401() {
    String forged = new ViewerTokens(vertx, "another-key-that-is-long-enough-0123456789", Clock.systemUTC())
        .mint("mallory", List.of("*"), 3600).token();
    expectError(await(get("/playlist.m3u8?camera_id=" + camA).bearerTokenAuthentication(forged).send()),
        401, "unauthorized");
  }

  @Test
  void garbageToken_is401() {
    expectError(await(get("/playlist.m3u8?camera_id=" + camA + "&token=not.a.jwt").send()), 401, "unauthorized");
  }

  @Test
  void adminMintsViewerToken_thatOpensExactlyItsCameras() {
    HttpResponse<Buffer> r = await(client.post(port, "127.0.0.1", "/api/v1/viewer-tokens")
        .bearerTokenAuthentication(TestStack.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("cameras", new JsonArray().add(camB)).put("ttlSeconds", 600)));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    long expiresIn = body.getLong("expiresAt") - System.currentTimeMillis();
    assertTrue(expiresIn > 500_000 && expiresIn <= 600_000, "expires in " + expiresIn + " ms");
    String minted = body.getString("token");
    assertEquals(200, await(get("/replay.m3u8?camera_id=" + camB + RANGE).bearerTokenAuthentication(minted).send())
        .statusCode());
    assertEquals(403, await(get("/replay.m3u8?camera_id=" + camA + RANGE).bearerTokenAuthentication(minted).send())
        .statusCode());
  }

  @Test
  void mintWithoutAdminToken_is401() {
    expectError(await(client.post(port, "127.0.0.1", "/api/v1/viewer-tokens")
        .sendJsonObject(new JsonObject().put("cameras", new JsonArray().add(camA)))), 401, "unauthorized");
  }

  @Test
  void mintWithViewerTokenInsteadOfAdminToken_is401() {
    expectError(await(client.post(port, "127.0.0.1", "/api/v1/viewer-tokens").bearerTokenAuthentication(token("*"))
        .sendJsonObject(new JsonObject().put("cameras", new JsonArray().add(camA)))), 401, "unauthorized");
  }

  @Test
  void mintWithInvalidCameraId_is400() {
    expectError(mint(new JsonObject().put("cameras", new JsonArray().add("../etc"))), 400, "invalid_cameras");
  }

  @Test
  void mintWithoutCameras_is400() {
    expectError(mint(new JsonObject().put("cameras", new JsonArray())), 400, "invalid_cameras");
  }

  @Test
  void mintWithTtlAboveMaximum_is400() {
    expectError(mint(new JsonObject().put("cameras", new JsonArray().add(camA)).put("ttlSeconds", 10_000_000)),
        400, "invalid_ttl");
  }

  @Test
  void mintWithMalformedJson_is400() {
    expectError(await(client.post(port, "127.0.0.1", "/api/v1/viewer-tokens")
        .bearerTokenAuthentication(TestStack.ADMIN_TOKEN).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"cameras\": [\"a\""))), 400, "invalid_json");
  }

  @Test
  void mintWithOversizedBody_is413() {
    String big = "{\"cameras\":[\"" + "a".repeat(70_000) + "\"]}";
    HttpResponse<Buffer> r = await(client.post(port, "127.0.0.1", "/api/v1/viewer-tokens")
        .bearerTokenAuthentication(TestStack.ADMIN_TOKEN).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(big)));
    assertEquals(413, r.statusCode(), r.bodyAsString());
  }

  @Test
  void openMode_needsNoToken() {
    var open = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24,
        io.ipchls.playlist.PlaylistConfig.SegmentAccess.PRESIGNED, /* open= */ true));
    await(vertx.deployVerticle(open));
    HttpResponse<Buffer> r = await(client.get(open.port(), "127.0.0.1", "/replay.m3u8?camera_id=" + camA + RANGE)
        .send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  private static String token(String... cameras) {
    return TestStack.token(vertx, cameras);
  }

  private static HttpResponse<Buffer> mint(JsonObject body) {
    return await(client.post(port, "127.0.0.1", "/api/v1/viewer-tokens")
        .bearerTokenAuthentication(TestStack.ADMIN_TOKEN).sendJsonObject(body));
  }

  private static HttpRequest<Buffer> get(String uri) {
    return client.get(port, "127.0.0.1", uri);
  }

  static void expectError(HttpResponse<Buffer> r, int status, String error) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    assertEquals(error, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    assertTrue(!r.bodyAsJsonObject().getString("message", "").isBlank(), r.bodyAsString());
  }
}
