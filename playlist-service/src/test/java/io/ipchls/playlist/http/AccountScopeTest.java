package io.ipchls.playlist.http;

import static io.ipchls.playlist.TestStack.await;
import static io.ipchls.playlist.TestStack.contiguous;
import static io.ipchls.playlist.http.ViewerAccessTest.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.ipchls.playlist.PlaylistConfig.SegmentAccess;
import io.ipchls.playlist.TestStack;
import io.ipchls.playlist.TestStack.Seg;
import io.ipchls.playlist.auth.ViewerTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Account-scoped viewer tokens (issue 19 item 2) on every viewer route: a token for account A opens A's cameras, and
 * is refused (403 JSON) for a camera of account B and for a camera without an account; camera tokens work as before;
 * minting with an account admin token stays inside its account.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class AccountScopeTest {
  private static final String RANGE = "start=2025-03-01%2010:00:00&end=2025-03-01%2011:00:00";
  private static final String ACCOUNT_ADMIN_TOKEN = "ipa_playlistAccountAdminTokenForTests01234567";
  private static final TestStack env = new TestStack();
  private static final Map<String, Seg> firstSegment = new HashMap<>();
  private static Vertx vertx;
  private static Pool pool;
  private static WebClient client;
  private static int port;
  private static int proxyPort;
  private static String accountA;
  private static String accountB;
  private static String own;
  private static String other;
  private static String free;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    env.migrateIngest(v);
    pool = Database.pool(v, env.db());
    accountA = account("acct-a", ACCOUNT_ADMIN_TOKEN);
    accountB = account("acct-b", null);
    own = camera("own", accountA);
    other = camera("other", accountB);
    free = camera("free", null);
    var verticle = new PlaylistHttpVerticle(env.config(24));
    await(v.deployVerticle(verticle));
    port = verticle.port();
    var proxy = new PlaylistHttpVerticle(env.config(24, SegmentAccess.PROXY, /* open= */ false));
    await(v.deployVerticle(proxy));
    proxyPort = proxy.port();
    client = WebClient.create(v, new WebClientOptions().setFollowRedirects(false));
  }

  /** Every viewer route, as a path for a camera, with the port it is served on. */
  static Stream<String> viewerRoutes() {
    return Stream.of("live", "replay", "multivariant", "recordings", "timeline", "clip", "events", "proxiedSegment",
        "proxiedInit", "iframes", "thumbnail", "thumbnails", "proxiedThumbnail");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("viewerRoutes")
  void accountToken_opensItsOwnCamera_asACameraTokenDoes(String route) {
    HttpResponse<Buffer> byAccount = get(route, own, accountToken(accountA));
    HttpResponse<Buffer> byCamera = get(route, own, TestStack.token(vertx, own));
    assertFalse(byAccount.statusCode() == 401 || byAccount.statusCode() == 403, byAccount.bodyAsString());
    assertEquals(byCamera.statusCode(), byAccount.statusCode(), byAccount.bodyAsString());
    if (route.equals("proxiedSegment")) {
      assertEquals(Buffer.buffer(firstSegment.get(own).bytes()), byAccount.body());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("viewerRoutes")
  void accountToken_isRefusedAnotherAccountsCamera(String route) {
    HttpResponse<Buffer> r = get(route, other, accountToken(accountA));
    expectError(r, 403, "forbidden");
    assertTrue(r.bodyAsJsonObject().getString("message").contains(accountA), r.bodyAsString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("viewerRoutes")
  void accountToken_isRefusedACameraWithoutAccount(String route) {
    expectError(get(route, free, accountToken(accountA)), 403, "forbidden");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("viewerRoutes")
  void cameraToken_keepsWorking_andIsRefusedOtherCameras(String route) {
    String token = TestStack.token(vertx, free);
    assertFalse(List.of(401, 403).contains(get(route, free, token).statusCode()));
    expectError(get(route, own, token), 403, "forbidden");
  }

  @Test
  void accountToken_fullLinksOpenOnlyItsOwnCameras_andShortLinksRedirect() {
    HttpResponse<Buffer> full = await(client.get(port, "127.0.0.1", "/replay.m3u8?camera_id=" + own + "&" + RANGE
        + "&links=full").bearerTokenAuthentication(accountToken(accountA)).send());
    assertEquals(200, full.statusCode(), full.bodyAsString());
    assertTrue(full.bodyAsString().contains(firstSegment.get(own).key()), full.bodyAsString());
    HttpResponse<Buffer> shortLinks = await(client.get(port, "127.0.0.1", "/replay.m3u8?camera_id=" + own + "&"
        + RANGE).bearerTokenAuthentication(accountToken(accountA)).send());
    String link = shortLinks.bodyAsString().lines().filter(l -> l.startsWith("s/")).findFirst().orElseThrow();
    HttpResponse<Buffer> redirect = await(client.get(port, "127.0.0.1", "/" + link).send());
    assertEquals(302, redirect.statusCode(), redirect.bodyAsString());
  }

  @Test
  void cameraList_showsExactlyTheAccountsCameras() {
    HttpResponse<Buffer> r = await(client.get(port, "127.0.0.1", "/api/v1/cameras")
        .bearerTokenAuthentication(accountToken(accountA)).send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(List.of(own), ids(r.bodyAsJsonObject().getJsonArray("cameras")));
  }

  @Test
  void cameraMovedOutOfTheAccount_isRefusedAtTheNextRequest_andOneMovedIn_opens() {
    String site = account("site", null);
    String moving = camera("moving", site);
    String token = accountToken(site);
    assertEquals(200, get("replay", moving, token).statusCode());
    move(moving, accountB);
    expectError(get("replay", moving, token), 403, "forbidden");
    move(moving, null);
    expectError(get("replay", moving, token), 403, "forbidden");
    move(moving, site);
    assertEquals(200, get("replay", moving, token).statusCode());
  }

  @Test
  void tokenWithBothAccountAndCameras_is401() {
    String both = io.vertx.ext.auth.jwt.JWTAuth.create(vertx, new io.vertx.ext.auth.jwt.JWTAuthOptions()
            .addPubSecKey(new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256")
                .setBuffer(TestStack.JWT_SECRET)))
        .generateToken(new JsonObject().put("account", accountA).put("cameras", new JsonArray().add(other))
            .put("exp", Instant.now().getEpochSecond() + 600), new io.vertx.ext.auth.JWTOptions()
            .setAlgorithm("HS256").setIssuer("ipc-hls").setAudience(List.of("viewer")));
    expectError(get("replay", other, both), 401, "unauthorized");
  }

  // --- minting

  @Test
  void operator_mintsAnAccountToken_thatOpensTheAccountsCameras() {
    HttpResponse<Buffer> r = mint(TestStack.ADMIN_TOKEN, new JsonObject().put("account", accountA));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(accountA, r.bodyAsJsonObject().getString("account"));
    assertFalse(r.bodyAsJsonObject().containsKey("cameras"));
    String token = r.bodyAsJsonObject().getString("token");
    assertEquals(200, get("replay", own, token).statusCode());
    expectError(get("replay", other, token), 403, "forbidden");
  }

  @Test
  void accountAdmin_mintsForItsAccount() {
    HttpResponse<Buffer> r = mint(ACCOUNT_ADMIN_TOKEN, new JsonObject().put("account", accountA));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(200, get("replay", own, r.bodyAsJsonObject().getString("token")).statusCode());
  }

  @Test
  void accountAdmin_mintsForCamerasOfItsAccount() {
    HttpResponse<Buffer> r = mint(ACCOUNT_ADMIN_TOKEN, new JsonObject().put("cameras", new JsonArray().add(own)));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(new JsonArray().add(own), r.bodyAsJsonObject().getJsonArray("cameras"));
  }

  @Test
  void accountAdmin_mintingForAnotherAccount_is403() {
    expectError(mint(ACCOUNT_ADMIN_TOKEN, new JsonObject().put("account", accountB)), 403, "other_account");
  }

  @Test
  void accountAdmin_mintingForAnotherAccountsCamera_is403() {
    expectError(mint(ACCOUNT_ADMIN_TOKEN, new JsonObject().put("cameras", new JsonArray().add(own).add(other))),
        403, "other_account");
  }

  @Test
  void accountAdmin_mintingForACameraWithoutAccount_is403() {
    expectError(mint(ACCOUNT_ADMIN_TOKEN, new JsonObject().put("cameras", new JsonArray().add(free))),
        403, "other_account");
  }

  @Test
  void accountAdmin_mintingForAllCameras_is403() {
    expectError(mint(ACCOUNT_ADMIN_TOKEN, new JsonObject().put("cameras", new JsonArray().add("*"))),
        403, "other_account");
  }

  @Test
  void unknownAccountAdminToken_is401() {
    expectError(mint("ipa_" + "C".repeat(43), new JsonObject().put("account", accountA)), 401, "unauthorized");
  }

  @Test
  void mintForUnknownAccount_is404() {
    expectError(mint(TestStack.ADMIN_TOKEN, new JsonObject().put("account", TestStack.camera("nosuch"))),
        404, "unknown_account");
  }

  @Test
  void mintWithInvalidAccountId_is400() {
    expectError(mint(TestStack.ADMIN_TOKEN, new JsonObject().put("account", "Site A")), 400, "invalid_account");
  }

  @Test
  void mintWithNonStringAccount_is400() {
    expectError(mint(TestStack.ADMIN_TOKEN, new JsonObject().put("account", 5)), 400, "invalid_account");
  }

  @Test
  void mintWithAccountAndCameras_is400() {
    expectError(mint(TestStack.ADMIN_TOKEN, new JsonObject().put("account", accountA)
        .put("cameras", new JsonArray().add(own))), 400, "invalid_scope");
  }

  // --- helpers

  private static HttpResponse<Buffer> get(String route, String camera, String token) {
    Seg seg = firstSegment.get(camera);
    String path = switch (route) {
      case "live" -> "/playlist.m3u8?camera_id=" + camera;
      case "replay" -> "/replay.m3u8?camera_id=" + camera + "&" + RANGE;
      case "multivariant" -> "/multivariant.m3u8?camera_id=" + camera + "&" + RANGE;
      case "recordings" -> "/api/v1/cameras/" + camera + "/recordings?" + RANGE;
      case "timeline" -> "/api/v1/cameras/" + camera + "/timeline?" + RANGE;
      case "clip" -> "/api/v1/cameras/" + camera + "/clip.mp4?" + RANGE;
      case "events" -> "/api/v1/events?camera_id=" + camera + "&" + RANGE;
      case "iframes" -> "/iframes.m3u8?camera_id=" + camera + "&" + RANGE;
      case "thumbnail" -> "/api/v1/cameras/" + camera + "/thumbnail?time=" + seg.start().toEpochMilli();
      case "thumbnails" -> "/api/v1/cameras/" + camera + "/thumbnails?" + RANGE;
      case "proxiedThumbnail" -> "/thumbs/" + camera + "/" + seg.start().toEpochMilli() + "/" + camera
          + "/thumbs/x.jpg?x=1";
      case "proxiedSegment" -> "/segments/" + camera + "/" + seg.start().toEpochMilli() + "/" + seg.key() + "?x=1";
      case "proxiedInit" -> "/inits/" + camera + "/" + seg.start().toEpochMilli() + "/" + camera
          + "/init/0123456789abcdef0123456789abcdef.mp4?x=1";
      default -> throw new IllegalArgumentException(route);
    };
    int target = route.startsWith("proxied") ? proxyPort : port;
    return await(client.get(target, "127.0.0.1", path + "&token=" + token).send());
  }

  private static String accountToken(String account) {
    return new ViewerTokens(vertx, TestStack.JWT_SECRET, Clock.systemUTC()).mintForAccount("test", account, 3600)
        .token();
  }

  private static HttpResponse<Buffer> mint(String adminToken, JsonObject body) {
    return await(client.post(port, "127.0.0.1", "/api/v1/viewer-tokens").bearerTokenAuthentication(adminToken)
        .sendJsonObject(body));
  }

  private static String account(String what, String adminToken) {
    String id = TestStack.camera(what);
    await(pool.preparedQuery("INSERT INTO credential.accounts (id, display_name, admin_token_sha256) "
        + "VALUES ($1, $1, $2)").execute(Tuple.of(id, adminToken == null ? null : Sha256.hex(adminToken))));
    return id;
  }

  /** A registered camera of the account (null: none) with a recorded hour's first segments, stored. */
  private static String camera(String what, String account) {
    String id = TestStack.camera(what);
    await(pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix, account_id) "
        + "VALUES ($1, 'unused', $1, $2)").execute(Tuple.of(id, account)));
    List<Seg> segs = contiguous(id, Instant.parse("2025-03-01T10:00:00Z"), 3000, 3000);
    TestStack.insert(pool, segs);
    env.upload(segs);
    firstSegment.put(id, segs.get(0));
    return id;
  }

  private static void move(String camera, String account) {
    await(pool.preparedQuery("UPDATE credential.devices SET account_id = $2 WHERE id = $1")
        .execute(Tuple.of(camera, account)));
  }

  private static List<String> ids(JsonArray cameras) {
    List<String> out = new ArrayList<>();
    cameras.forEach(c -> out.add(((JsonObject) c).getString("id")));
    return out;
  }
}
