package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.infra.ApiContract;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document playlist-service serves ({@code GET /openapi.yaml}) against the running service, in proxy mode
 * with an admin token so that every route exists: the same routes as its router (the web player's static files
 * aside), and the answers of playback, the viewer APIs, token minting, health, metrics and the ops view, successes and
 * errors, match the documented schemas and media types.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlaylistApiDocumentTest {
  /** The web player's files and hls.js ({@code /*}): static, not part of the API. */
  private static final Set<String> STATIC_TREES = Set.of("/");
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final String RANGE = "&start=2025-03-01%2010:00:00&end=2025-03-01%2011:00:00";
  private static final TestStack env = new TestStack();
  private static PlaylistHttpVerticle verticle;
  private static ApiContract contract;
  private static WebClient client;
  private static Pool pool;
  private static String token;
  private static String otherToken;

  @BeforeAll
  static void start(Vertx vertx) {
    env.migrateIngest(vertx);
    pool = Database.pool(vertx, env.db());
    verticle = new PlaylistHttpVerticle(env.config(/* maxReplayHours= */ 24, SegmentAccess.PROXY, /* open= */ false));
    await(vertx.deployVerticle(verticle));
    client = WebClient.create(vertx);
    token = TestStack.token(vertx, "*");
    otherToken = TestStack.token(vertx, "someone-else");
    contract = ApiContract.load(vertx, "openapi/playlist-service.yaml");
  }

  @Test
  void document_listsExactlyTheRoutesOfTheRouter() {
    assertEquals(contract.documentedRoutes(), ApiContract.routesOf(verticle.router(), "key", STATIC_TREES));
  }

  @Test
  void playbackAndSegments_answersMatchTheDocument() {
    String cam = recorded("oas-play", T0);
    String replay = "/replay.m3u8?camera_id=" + cam + RANGE;
    String playlist = valid(GET, replay + "&links=full", token, 200).bodyAsString();
    String segment = "/" + playlist.lines().filter(l -> l.startsWith("segments/")).findFirst().orElseThrow();
    String shortLink = "/" + valid(GET, replay, token, 200).bodyAsString().lines().filter(l -> l.startsWith("s/"))
        .findFirst().orElseThrow();
    contract.assertValid("shortSegmentLink", get(shortLink, null, 200)); // proxy mode: the bytes
    contract.assertValid("shortSegmentLink", get(shortLink.replace("/" + cam + "/", "/oas-other/"), null, 403));
    contract.assertValid("shortSegmentLink", get(shortLink.replaceFirst("/[0-9]+\\.ts$", "/1.ts"), null, 404));
    valid(GET, replay + "&links=tiny", token, 400);
    contract.assertValid("proxiedSegment", get(segment, token, 200));
    contract.assertValid("proxiedSegment", get(segment.replaceFirst("/segments/([^/]+)/\\d+/", "/segments/$1/1/"),
        token, 404));
    valid(GET, "/replay.m3u8?camera_id=" + cam + "&start=2025-03-01%2011:00:00&end=2025-03-01%2010:00:00", token, 400);
    valid(GET, replay, null, 401);
    valid(GET, replay, otherToken, 403);
    valid(GET, "/replay.m3u8?camera_id=" + TestStack.camera("oas-none") + RANGE, token, 404);

    String live = recorded("oas-live", Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(20));
    valid(GET, "/playlist.m3u8?camera_id=" + live, token, 200);
    valid(GET, "/playlist.m3u8?camera_id=Not%20A%20Camera", token, 400);
  }

  @Test
  void viewerApis_answersMatchTheDocument() {
    String cam = recorded("oas-api", T0);
    valid(GET, "/api/v1/cameras?limit=2", token, 200);
    valid(GET, "/api/v1/cameras?limit=0", token, 400);
    valid(GET, "/api/v1/cameras/" + cam + "/recordings?" + RANGE.substring(1) + "&page=1&pageSize=10", token, 200);
    valid(GET, "/api/v1/cameras/" + cam + "/timeline?" + RANGE.substring(1), token, 200);
    valid(GET, "/api/v1/cameras/" + cam + "/timeline?start=yesterday&end=today", token, 400);
    valid(GET, "/api/v1/cameras/" + TestStack.camera("oas-none") + "/recordings?" + RANGE.substring(1), token, 404);
    TestStack.await(new io.ipchls.ingest.events.EventRepository(pool).store(cam, new io.ipchls.protocol.CameraEvent(1,
        "oas-1", "person", "Ann", T0.plusSeconds(2).toEpochMilli(), T0.plusSeconds(4).toEpochMilli(),
        java.util.Map.of("score", 0.9)), "http"));
    valid(GET, "/api/v1/events?camera_id=" + cam + RANGE, token, 200);
    valid(GET, "/api/v1/events?camera_id=" + cam + RANGE + "&type=meteor", token, 400);
    valid(GET, "/api/v1/events?camera_id=" + cam + RANGE, otherToken, 403);
    valid(GET, "/api/v1/events?camera_id=" + TestStack.camera("oas-none") + RANGE, token, 404);
  }

  @Test
  void viewerTokens_answersMatchTheDocument() {
    JsonObject body = new JsonObject().put("cameras", new JsonArray().add("cam-1")).put("ttlSeconds", 3600);
    assertEquals(201, mint(body, TestStack.ADMIN_TOKEN).statusCode());
    assertEquals(400, mint(body.copy().put("ttlSeconds", 1), TestStack.ADMIN_TOKEN).statusCode());
    assertEquals(401, mint(body, "not-the-admin-token").statusCode());
  }

  @Test
  void healthMetricsOpsAndDocument_answersMatchTheDocument() {
    valid(GET, "/health", null, 200);
    valid(GET, "/metrics", TestStack.ADMIN_TOKEN, 200);
    valid(GET, "/metrics", null, 401);
    valid(GET, "/openapi.yaml", null, 200);
    valid(GET, "/ops/v1/status", TestStack.ADMIN_TOKEN, 200);
    valid(GET, "/ops/v1/members", TestStack.ADMIN_TOKEN, 200);
    valid(GET, "/ops/v1/members", null, 401);
  }

  /** A registered camera with three stored segments from {@code start}. */
  private static String recorded(String name, Instant start) {
    String cam = TestStack.camera(name);
    List<Seg> segs = contiguous(cam, start, 3000, 3000, 3000);
    TestStack.register(pool, cam);
    TestStack.insert(pool, segs);
    env.upload(segs);
    return cam;
  }

  private static HttpResponse<Buffer> mint(JsonObject body, String adminToken) {
    HttpResponse<Buffer> r = await(client.post(verticle.port(), "127.0.0.1", "/api/v1/viewer-tokens")
        .bearerTokenAuthentication(adminToken).sendJsonObject(body));
    contract.assertValid(POST, "/api/v1/viewer-tokens", r);
    return r;
  }

  private static HttpResponse<Buffer> valid(HttpMethod method, String path, String bearer, int status) {
    var request = client.request(method, verticle.port(), "127.0.0.1", path);
    if (bearer != null) request.bearerTokenAuthentication(bearer);
    HttpResponse<Buffer> r = await(request.send());
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.bodyAsString());
    contract.assertValid(method, path, r);
    return r;
  }

  private static HttpResponse<Buffer> get(String path, String bearer, int status) {
    var request = client.get(verticle.port(), "127.0.0.1", path);
    if (bearer != null) request.bearerTokenAuthentication(bearer);
    HttpResponse<Buffer> r = await(request.send());
    assertEquals(status, r.statusCode(), path + ": " + r.bodyAsString());
    return r;
  }
}
