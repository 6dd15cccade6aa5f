package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminApiTest {
  private static final String CAMERAS = "/api/v1/cameras";
  private static TestService svc;

  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx);
  }

  @Test
  void register_returns201WithSecretOnce_andGetOmitsIt() {
    String id = newCameraId("reg");
    HttpResponse<Buffer> created = post(CAMERAS, new JsonObject().put("id", id).put("prefix", "site-1/" + id));
    assertEquals(201, created.statusCode());
    JsonObject body = created.bodyAsJsonObject();
    assertEquals(id, body.getString("id"));
    assertEquals("site-1/" + id, body.getString("prefix"));
    assertTrue(body.getBoolean("enabled"));
    assertEquals(43, body.getString("secret").length());
    assertEquals(CAMERAS + "/" + id, created.getHeader("Location"));

    JsonObject got = get(CAMERAS + "/" + id).bodyAsJsonObject();
    assertEquals(id, got.getString("id"));
    assertEquals("site-1/" + id, got.getString("prefix"));
    assertFalse(got.containsKey("secret"));
    assertFalse(got.encode().contains(body.getString("secret")));
  }

  @Test
  void register_withoutPrefix_usesTheId() {
    String id = newCameraId("dflt");
    assertEquals(id, svc.register(id).getString("prefix"));
  }

  @Test
  void register_storesOnlyTheSecretsSha256() {
    String id = newCameraId("hash");
    String secret = svc.register(id).getString("secret");
    var row = await(svc.db.preparedQuery(
            "SELECT secret_hash, secret_scheme, secret_version FROM credential.devices WHERE id = $1")
        .execute(Tuple.of(id))).iterator().next();
    assertEquals("sha256", row.getString("secret_scheme"));
    assertEquals(Sha256.hex(secret), row.getString("secret_hash"));
    assertFalse(row.getString("secret_hash").contains(secret));
    assertEquals(1, row.getInteger("secret_version"));
  }

  @Test
  void rotate_storesTheNewSecretsSha256_andCountsTheVersion() {
    String id = newCameraId("rot");
    svc.register(id);
    HttpResponse<Buffer> r = await(svc.admin(HttpMethod.POST, CAMERAS + "/" + id + "/secret").send());
    assertEquals(200, r.statusCode());
    String secret = r.bodyAsJsonObject().getString("secret");
    var row = await(svc.db.preparedQuery(
            "SELECT secret_hash, secret_scheme, secret_version FROM credential.devices WHERE id = $1")
        .execute(Tuple.of(id))).iterator().next();
    assertEquals("sha256", row.getString("secret_scheme"));
    assertEquals(Sha256.hex(secret), row.getString("secret_hash"));
    assertEquals(2, row.getInteger("secret_version"));
  }

  @Test
  void register_duplicate_is409() {
    String id = newCameraId("dup");
    svc.register(id);
    HttpResponse<Buffer> again = post(CAMERAS, new JsonObject().put("id", id));
    assertEquals(409, again.statusCode());
    assertEquals("conflict", again.bodyAsJsonObject().getString("error"));
  }

  @Test
  void register_serviceAccountName_is400Reserved() {
    assertError(400, "reserved_id", post(CAMERAS, new JsonObject().put("id", TestService.INGEST_USER)));
  }

  @Test
  void register_ingestClientIdName_is400Reserved() {
    assertError(400, "reserved_id", post(CAMERAS, new JsonObject().put("id", "ingest-host-1")));
  }

  @Test
  void register_bareIngest_is400Reserved() {
    assertError(400, "reserved_id", post(CAMERAS, new JsonObject().put("id", "ingest")));
  }

  @Test
  void register_credentialPrefixedName_is400Reserved() {
    assertError(400, "reserved_id", post(CAMERAS, new JsonObject().put("id", "credential-0b9e")));
  }

  @Test
  void register_playlistPrefixedName_is400Reserved() {
    assertError(400, "reserved_id", post(CAMERAS, new JsonObject().put("id", "playlist1")));
  }

  @Test
  void register_ipchlsPrefixedName_is400Reserved() {
    assertError(400, "reserved_id", post(CAMERAS, new JsonObject().put("id", "ipchls-ops")));
  }

  @Test
  void register_exactServiceAccountOutsideThePrefixes_is400Reserved(Vertx vertx) {
    TestService other = TestService.deploy(vertx, new JsonObject().put("serviceAccounts",
        new JsonObject().put("svc-relay", Sha256.hex("relay-password-0123"))));
    HttpResponse<Buffer> r = await(other.admin(HttpMethod.POST, CAMERAS)
        .sendJsonObject(new JsonObject().put("id", "svc-relay")));
    assertError(400, "reserved_id", r);
  }

  @Test
  void register_badId_is400() {
    assertError(400, "bad_id", post(CAMERAS, new JsonObject().put("id", "Bad/Id")));
  }

  @Test
  void register_missingId_is400() {
    assertError(400, "bad_id", post(CAMERAS, new JsonObject().put("prefix", "x")));
  }

  @Test
  void register_prefixWithDotDot_is400() {
    assertError(400, "bad_prefix", post(CAMERAS, new JsonObject().put("id", newCameraId("pfx"))
        .put("prefix", "cam-a/../cam-b")));
  }

  @Test
  void register_prefixWithLeadingSlash_is400() {
    assertError(400, "bad_prefix", post(CAMERAS, new JsonObject().put("id", newCameraId("pfx"))
        .put("prefix", "/cam")));
  }

  @Test
  void register_prefixUnderTheServicesOwnSegment_is400() {
    assertError(400, "bad_prefix", post(CAMERAS, new JsonObject().put("id", newCameraId("pfx"))
        .put("prefix", "ipchls/exports")));
  }

  @Test
  void register_malformedJson_is400() {
    HttpResponse<Buffer> r = await(svc.admin(HttpMethod.POST, CAMERAS).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"id\": ")));
    assertError(400, "bad_json", r);
  }

  @Test
  void register_emptyBody_is400() {
    assertError(400, "bad_json", await(svc.admin(HttpMethod.POST, CAMERAS).send()));
  }

  @Test
  void register_oversizedBody_is413() {
    String big = "x".repeat(8192);
    HttpResponse<Buffer> r = post(CAMERAS, new JsonObject().put("id", newCameraId("big")).put("pad", big));
    assertError(413, "too_large", r);
  }

  @Test
  void noToken_is401() {
    HttpResponse<Buffer> r = await(svc.web.get(CAMERAS).send());
    assertError(401, "unauthorized", r);
    assertEquals("Bearer", r.getHeader("WWW-Authenticate"));
  }

  @Test
  void wrongToken_is401() {
    HttpResponse<Buffer> r = await(svc.web.post(CAMERAS).bearerTokenAuthentication("not-the-admin-token-at-all")
        .sendJsonObject(new JsonObject().put("id", newCameraId("nope"))));
    assertError(401, "unauthorized", r);
  }

  @Test
  void get_unknown_is404() {
    assertError(404, "not_found", get(CAMERAS + "/" + newCameraId("none")));
  }

  @Test
  void get_badId_is400() {
    assertError(400, "bad_id", get(CAMERAS + "/UPPER"));
  }

  @Test
  void list_pagesInIdOrder() {
    String base = newCameraId("page");
    for (String s : new String[] {"a", "b", "c"}) svc.register(base + "-" + s);
    String before = base + "-";
    JsonObject first = get(CAMERAS + "?limit=2&after=" + before).bodyAsJsonObject();
    assertEquals(ids(base + "-a", base + "-b"), idsOf(first.getJsonArray("cameras")));
    assertEquals(base + "-b", first.getString("next"));
    JsonObject second = get(CAMERAS + "?limit=2&after=" + first.getString("next")).bodyAsJsonObject();
    assertEquals(base + "-c", second.getJsonArray("cameras").getJsonObject(0).getString("id"));
  }

  @Test
  void list_badLimit_is400() {
    assertError(400, "bad_limit", get(CAMERAS + "?limit=0"));
  }

  @Test
  void list_badAfter_is400() {
    assertError(400, "bad_after", get(CAMERAS + "?after=../x"));
  }

  @Test
  void rotate_returnsNewSecret() {
    String id = newCameraId("rot");
    String old = svc.register(id).getString("secret");
    HttpResponse<Buffer> r = await(svc.admin(HttpMethod.POST, CAMERAS + "/" + id + "/secret").send());
    assertEquals(200, r.statusCode());
    assertEquals(id, r.bodyAsJsonObject().getString("id"));
    assertNotEquals(old, r.bodyAsJsonObject().getString("secret"));
  }

  @Test
  void rotate_unknown_is404() {
    assertEquals(404, await(svc.admin(HttpMethod.POST, CAMERAS + "/" + newCameraId("x") + "/secret").send())
        .statusCode());
  }

  @Test
  void patch_disablesAndEnables() {
    String id = newCameraId("dis");
    svc.register(id);
    HttpResponse<Buffer> off = svc.setEnabled(id, false);
    assertEquals(200, off.statusCode());
    assertFalse(off.bodyAsJsonObject().getBoolean("enabled"));
    assertFalse(get(CAMERAS + "/" + id).bodyAsJsonObject().getBoolean("enabled"));
    assertTrue(svc.setEnabled(id, true).bodyAsJsonObject().getBoolean("enabled"));
  }

  @Test
  void patch_nonBooleanEnabled_is400() {
    String id = newCameraId("pat");
    svc.register(id);
    HttpResponse<Buffer> r = await(svc.admin(HttpMethod.PATCH, CAMERAS + "/" + id)
        .sendJsonObject(new JsonObject().put("enabled", "yes")));
    assertError(400, "bad_enabled", r);
  }

  @Test
  void delete_removesCamera() {
    String id = newCameraId("del");
    svc.register(id);
    assertEquals(204, await(svc.admin(HttpMethod.DELETE, CAMERAS + "/" + id).send()).statusCode());
    assertEquals(404, get(CAMERAS + "/" + id).statusCode());
    assertEquals(404, await(svc.admin(HttpMethod.DELETE, CAMERAS + "/" + id).send()).statusCode());
  }

  @Test
  void health_isUp_andMetricsServedWithTheAdminToken() {
    JsonObject health = await(svc.web.get("/health").send()).bodyAsJsonObject();
    assertEquals("UP", health.getString("status"), health.encode());
    HttpResponse<Buffer> metrics = await(svc.admin(HttpMethod.GET, "/metrics").send());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.bodyAsString().contains("# TYPE"), metrics.bodyAsString());
  }

  @Test
  void metrics_withoutTheToken_is401Json() {
    assertError(401, "unauthorized", await(svc.web.get("/metrics").send()));
  }

  @Test
  void metrics_withAWrongToken_is401Json() {
    assertError(401, "unauthorized", await(svc.web.get("/metrics").bearerTokenAuthentication("not-the-token").send()));
  }

  @Test
  void opsStatus_withoutTheToken_is401Json() {
    assertError(401, "unauthorized", await(svc.web.get("/ops/v1/status").send()));
  }

  @Test
  void opsStatus_withTheToken_is200() {
    HttpResponse<Buffer> r = await(svc.admin(HttpMethod.GET, "/ops/v1/status").send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.bodyAsJsonObject().containsKey("summary"));
  }

  @Test
  void adminListener_servesMetricsAndOpsWithoutAToken_andTheServicePortNeither(Vertx vertx) throws Exception {
    int adminPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      adminPort = s.getLocalPort();
    }
    TestService other = TestService.deploy(vertx, new JsonObject().put("http", new JsonObject()
        .put("adminHost", "127.0.0.1").put("adminPort", adminPort)));
    var adminWeb = io.vertx.ext.web.client.WebClient.create(vertx);
    HttpResponse<Buffer> metrics = await(adminWeb.get(adminPort, "127.0.0.1", "/metrics").send());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.bodyAsString().contains("# TYPE"));
    assertEquals(200, await(adminWeb.get(adminPort, "127.0.0.1", "/ops/v1/status").send()).statusCode());
    assertEquals(404, await(other.admin(HttpMethod.GET, "/metrics").send()).statusCode(),
        "with an admin listener, the service port does not serve /metrics");
    assertEquals(404, await(other.admin(HttpMethod.GET, "/ops/v1/status").send()).statusCode());
  }

  @Test
  void brokerHook_notConfigured_is404() {
    HttpResponse<Buffer> r = await(svc.web.post("/broker/v1/authenticate").sendJsonObject(new JsonObject()
        .put("username", "x").put("password", "y").put("clientid", "x")));
    assertError(404, "not_found", r);
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(svc.admin(HttpMethod.POST, path).sendJsonObject(body));
  }

  private static HttpResponse<Buffer> get(String path) {
    return await(svc.admin(HttpMethod.GET, path).send());
  }

  private static void assertError(int status, String code, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    assertTrue(r.getHeader("content-type").startsWith("application/json"));
  }

  private static JsonArray ids(String... ids) {
    return new JsonArray(java.util.List.of((Object[]) ids));
  }

  private static JsonArray idsOf(JsonArray cameras) {
    JsonArray out = new JsonArray();
    cameras.forEach(c -> out.add(((JsonObject) c).getString("id")));
    return out;
  }
}
