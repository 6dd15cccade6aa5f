package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Accounts (issue 19 item 2): the operator's account API, camera assignment and what an account admin may do. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccountApiTest {
  private static final String ACCOUNTS = "/api/v1/accounts";
  private static final String CAMERAS = "/api/v1/cameras";
  private static TestService svc;

  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx);
  }

  // --- the operator's account API

  @Test
  void create_returns201_andGetAndListShowIt() {
    String id = newCameraId("acct");
    HttpResponse<Buffer> created = operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", id)
        .put("displayName", "Site Nord").put("quota", new JsonObject().put("bytes", 5_000_000_000L).put("days", 30)
            .put("policy", "stop")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(ACCOUNTS + "/" + id, created.getHeader("Location"));
    JsonObject got = operator(HttpMethod.GET, ACCOUNTS + "/" + id, null).bodyAsJsonObject();
    assertEquals("Site Nord", got.getString("displayName"));
    assertEquals(new JsonObject().put("bytes", 5_000_000_000L).put("days", 30).put("policy", "stop"),
        got.getJsonObject("quota"));
    assertFalse(got.getBoolean("hasAdminToken"));
    assertTrue(listAll().contains(id));
  }

  @Test
  void create_withoutDisplayNameOrQuota_usesTheIdAndNoLimits() {
    JsonObject a = account(newCameraId("plain"));
    assertEquals(a.getString("id"), a.getString("displayName"));
    assertEquals(new JsonObject().put("bytes", null).put("days", null).put("policy", "ring"), a.getJsonObject("quota"));
  }

  @Test
  void create_twice_is409() {
    String id = account(newCameraId("dup")).getString("id");
    assertError(409, "conflict", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", id)));
  }

  @Test
  void update_changesNameAndQuota_andNullRemovesALimit() {
    String id = newCameraId("upd");
    operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", id)
        .put("quota", new JsonObject().put("bytes", 1000).put("days", 7)));
    HttpResponse<Buffer> r = operator(HttpMethod.PATCH, ACCOUNTS + "/" + id, new JsonObject()
        .put("displayName", "Renamed").put("quota", new JsonObject().put("bytes", null).put("policy", "stop")));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("Renamed", r.bodyAsJsonObject().getString("displayName"));
    assertEquals(new JsonObject().put("bytes", null).put("days", 7).put("policy", "stop"),
        r.bodyAsJsonObject().getJsonObject("quota"));
  }

  @Test
  void unknownAccount_is404_forGetUpdateDeleteAndToken() {
    String id = newCameraId("none");
    assertError(404, "unknown_account", operator(HttpMethod.GET, ACCOUNTS + "/" + id, null));
    assertError(404, "unknown_account", operator(HttpMethod.PATCH, ACCOUNTS + "/" + id,
        new JsonObject().put("displayName", "x")));
    assertError(404, "unknown_account", operator(HttpMethod.DELETE, ACCOUNTS + "/" + id, null));
    assertError(404, "unknown_account", operator(HttpMethod.POST, ACCOUNTS + "/" + id + "/admin-token", null));
  }

  // --- cameras in accounts

  @Test
  void camera_getsItsAccountAtRegistration_andMovesLater() {
    String a = account(newCameraId("reg-a")).getString("id");
    String b = account(newCameraId("reg-b")).getString("id");
    String cam = newCameraId("cam");
    HttpResponse<Buffer> r = operator(HttpMethod.POST, CAMERAS, new JsonObject().put("id", cam).put("account", a));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(a, r.bodyAsJsonObject().getString("account"));

    assertEquals(b, patch(TestService.ADMIN_TOKEN, cam,
        new JsonObject().put("account", b)).bodyAsJsonObject().getString("account"));
    assertEquals(List.of(cam), idsOf(operator(HttpMethod.GET, CAMERAS + "?account=" + b, null)));
    assertEquals(List.of(), idsOf(operator(HttpMethod.GET, CAMERAS + "?account=" + a, null)));

    JsonObject out = patch(TestService.ADMIN_TOKEN, cam, new JsonObject().putNull("account")).bodyAsJsonObject();
    assertNull(out.getString("account"));
    assertTrue(out.containsKey("account"));
  }

  @Test
  void camera_withoutAccount_staysValid() {
    String cam = newCameraId("free");
    JsonObject body = svc.register(cam);
    assertNull(body.getString("account"));
    assertEquals(200, svc.setEnabled(cam, false).statusCode());
  }

  @Test
  void register_intoUnknownAccount_is404_andNoCameraIsMade() {
    String cam = newCameraId("lost");
    assertError(404, "unknown_account", operator(HttpMethod.POST, CAMERAS, new JsonObject().put("id", cam)
        .put("account", newCameraId("nosuch"))));
    assertEquals(404, operator(HttpMethod.GET, CAMERAS + "/" + cam, null).statusCode());
  }

  @Test
  void move_intoUnknownAccount_is404_andTheCameraStays() {
    String a = account(newCameraId("stay")).getString("id");
    String cam = registerIn(a);
    assertError(404, "unknown_account", patch(TestService.ADMIN_TOKEN, cam,
        new JsonObject().put("account", newCameraId("nosuch"))));
    assertEquals(a, operator(HttpMethod.GET, CAMERAS + "/" + cam, null).bodyAsJsonObject().getString("account"));
  }

  @Test
  void delete_whileCamerasBelong_is409_thenAfterMovingThemOut_is204() {
    String a = account(newCameraId("del")).getString("id");
    String cam = registerIn(a);
    assertError(409, "account_in_use", operator(HttpMethod.DELETE, ACCOUNTS + "/" + a, null));
    assertEquals(200, operator(HttpMethod.GET, ACCOUNTS + "/" + a, null).statusCode());
    patch(TestService.ADMIN_TOKEN, cam, new JsonObject().putNull("account"));
    assertEquals(204, operator(HttpMethod.DELETE, ACCOUNTS + "/" + a, null).statusCode());
    assertEquals(404, operator(HttpMethod.GET, ACCOUNTS + "/" + a, null).statusCode());
  }

  @Test
  void delete_whileADeletedCameraIsGone_is204() {
    String a = account(newCameraId("del2")).getString("id");
    String cam = registerIn(a);
    assertEquals(204, operator(HttpMethod.DELETE, CAMERAS + "/" + cam, null).statusCode());
    assertEquals(204, operator(HttpMethod.DELETE, ACCOUNTS + "/" + a, null).statusCode());
  }

  // --- account admins

  @Test
  void adminToken_isShownOnce_storedAsItsSha256_andReplacedByTheNextOne() {
    String a = account(newCameraId("tok")).getString("id");
    String first = mintToken(a);
    assertTrue(first.matches("ipa_[A-Za-z0-9_-]{43}"), first);
    var row = await(svc.db.preparedQuery("SELECT admin_token_sha256 FROM credential.accounts WHERE id = $1")
        .execute(Tuple.of(a))).iterator().next();
    assertEquals(Sha256.hex(first), row.getString("admin_token_sha256"));
    assertTrue(operator(HttpMethod.GET, ACCOUNTS + "/" + a, null).bodyAsJsonObject().getBoolean("hasAdminToken"));
    assertFalse(operator(HttpMethod.GET, ACCOUNTS + "/" + a, null).bodyAsString().contains(first));
    var audit = await(svc.db.preparedQuery("SELECT string_agg(coalesce(reason, ''), ' ') AS all FROM credential.audit "
        + "WHERE action LIKE 'account.%'").execute()).iterator().next().getString("all");
    assertFalse(audit.contains(first));

    String second = mintToken(a);
    assertEquals(401, as(first, HttpMethod.GET, CAMERAS, null).statusCode());
    assertEquals(200, as(second, HttpMethod.GET, CAMERAS, null).statusCode());
  }

  @Test
  void accountAdmin_listsAndReadsOnlyItsCameras() {
    String a = account(newCameraId("own")).getString("id");
    String b = account(newCameraId("other")).getString("id");
    String mine1 = registerIn(a);
    String mine2 = registerIn(a);
    String theirs = registerIn(b);
    String free = newCameraId("free");
    svc.register(free);
    String token = mintToken(a);

    assertEquals(List.of(mine1, mine2).stream().sorted().toList(), idsOf(as(token, HttpMethod.GET, CAMERAS, null)));
    assertEquals(200, as(token, HttpMethod.GET, CAMERAS + "/" + mine1, null).statusCode());
    assertError(403, "other_account", as(token, HttpMethod.GET, CAMERAS + "/" + theirs, null));
    assertError(403, "other_account", as(token, HttpMethod.GET, CAMERAS + "/" + free, null));
    assertError(403, "other_account", as(token, HttpMethod.GET, CAMERAS + "/" + newCameraId("nosuch"), null));
    assertError(403, "other_account", as(token, HttpMethod.GET, CAMERAS + "?account=" + b, null));
    assertEquals(200, as(token, HttpMethod.GET, ACCOUNTS + "/" + a, null).statusCode());
    assertError(403, "other_account", as(token, HttpMethod.GET, ACCOUNTS + "/" + b, null));
  }

  @Test
  void accountAdmin_changesItsCamerasSettings_andNoOtherCameras() {
    String a = account(newCameraId("set")).getString("id");
    String b = account(newCameraId("set-b")).getString("id");
    String mine = registerIn(a);
    String theirs = registerIn(b);
    String token = mintToken(a);

    HttpResponse<Buffer> off = patch(token, mine, new JsonObject().put("enabled", false));
    assertEquals(200, off.statusCode(), off.bodyAsString());
    assertFalse(off.bodyAsJsonObject().getBoolean("enabled"));
    assertEquals(200, as(token, HttpMethod.POST, CAMERAS + "/" + mine + "/secret", null).statusCode());

    assertError(403, "other_account", patch(token, theirs, new JsonObject().put("enabled", false)));
    assertTrue(operator(HttpMethod.GET, CAMERAS + "/" + theirs, null).bodyAsJsonObject().getBoolean("enabled"));
    assertError(403, "other_account", as(token, HttpMethod.POST, CAMERAS + "/" + theirs + "/secret", null));
  }

  @Test
  void accountAdmin_isRefusedOperatorOnlyCalls() {
    String a = account(newCameraId("op")).getString("id");
    String mine = registerIn(a);
    String token = mintToken(a);
    assertError(403, "operator_only", as(token, HttpMethod.POST, CAMERAS,
        new JsonObject().put("id", newCameraId("new")).put("account", a)));
    assertError(403, "operator_only", as(token, HttpMethod.DELETE, CAMERAS + "/" + mine, null));
    assertError(403, "operator_only", patch(token, mine, new JsonObject().putNull("account")));
    assertError(403, "operator_only", as(token, HttpMethod.GET, ACCOUNTS, null));
    assertError(403, "operator_only", as(token, HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", newCameraId("x"))));
    assertError(403, "operator_only", as(token, HttpMethod.PATCH, ACCOUNTS + "/" + a,
        new JsonObject().put("quota", new JsonObject().putNull("bytes"))));
    assertError(403, "operator_only", as(token, HttpMethod.DELETE, ACCOUNTS + "/" + a, null));
    assertError(403, "operator_only", as(token, HttpMethod.POST, ACCOUNTS + "/" + a + "/admin-token", null));
    assertEquals(a, operator(HttpMethod.GET, CAMERAS + "/" + mine, null).bodyAsJsonObject().getString("account"));
  }

  @Test
  void unknownAccountToken_is401() {
    assertError(401, "unauthorized", as("ipa_" + "A".repeat(43), HttpMethod.GET, CAMERAS, null));
  }

  // --- bad input: one test each

  @Test
  void create_notJson_is400() {
    HttpResponse<Buffer> r = await(svc.admin(HttpMethod.POST, ACCOUNTS).sendBuffer(Buffer.buffer("{nope")));
    assertError(400, "bad_json", r);
  }

  @Test
  void create_missingId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("displayName", "x")));
  }

  @Test
  void create_upperCaseId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", "Site-1")));
  }

  @Test
  void create_idOver63Bytes_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", "a".repeat(64))));
  }

  @Test
  void create_nonAsciiId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", "caf\u00e9")));
  }

  @Test
  void create_numericId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", 12)));
  }

  @Test
  void create_serviceNamespaceId_is400Reserved() {
    assertError(400, "reserved_id", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", "ingest-1")));
  }

  @Test
  void create_reservedWord_is400Reserved() {
    assertError(400, "reserved_id", operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", "operator")));
  }

  @Test
  void create_emptyDisplayName_is400() {
    assertError(400, "bad_display_name", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("n")).put("displayName", " ")));
  }

  @Test
  void create_displayNameOver200_is400() {
    assertError(400, "bad_display_name", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("n")).put("displayName", "x".repeat(201))));
  }

  @Test
  void create_displayNameWithControlCharacter_is400() {
    assertError(400, "bad_display_name", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("n")).put("displayName", "a\nb")));
  }

  @Test
  void create_quotaNotAnObject_is400() {
    assertError(400, "bad_quota", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quota", 5)));
  }

  @Test
  void create_zeroQuotaBytes_is400() {
    assertError(400, "bad_quota_bytes", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quota", new JsonObject().put("bytes", 0))));
  }

  @Test
  void create_fractionalQuotaBytes_is400() {
    assertError(400, "bad_quota_bytes", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quota", new JsonObject().put("bytes", 1.5))));
  }

  @Test
  void create_quotaDaysOverLimit_is400() {
    assertError(400, "bad_quota_days", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quota", new JsonObject().put("days", 36_501))));
  }

  @Test
  void create_quotaDaysZero_is400() {
    assertError(400, "bad_quota_days", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quota", new JsonObject().put("days", 0))));
  }

  @Test
  void create_unknownPolicy_is400() {
    assertError(400, "bad_quota_policy", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quota", new JsonObject().put("policy", "drop"))));
  }

  @Test
  void create_unknownField_is400() {
    assertError(400, "unknown_field", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quotaBytes", 5)));
  }

  @Test
  void create_unknownQuotaField_is400() {
    assertError(400, "unknown_field", operator(HttpMethod.POST, ACCOUNTS, new JsonObject()
        .put("id", newCameraId("q")).put("quota", new JsonObject().put("gigabytes", 5))));
  }

  @Test
  void update_emptyBody_is400() {
    String a = account(newCameraId("e")).getString("id");
    assertError(400, "empty_update", operator(HttpMethod.PATCH, ACCOUNTS + "/" + a, new JsonObject()));
  }

  @Test
  void update_badDisplayName_is400() {
    String a = account(newCameraId("e")).getString("id");
    assertError(400, "bad_display_name", operator(HttpMethod.PATCH, ACCOUNTS + "/" + a,
        new JsonObject().put("displayName", 5)));
  }

  @Test
  void update_badQuotaPolicy_is400() {
    String a = account(newCameraId("e")).getString("id");
    assertError(400, "bad_quota_policy", operator(HttpMethod.PATCH, ACCOUNTS + "/" + a,
        new JsonObject().put("quota", new JsonObject().put("policy", "RING"))));
  }

  @Test
  void update_negativeQuotaBytes_is400() {
    String a = account(newCameraId("e")).getString("id");
    assertError(400, "bad_quota_bytes", operator(HttpMethod.PATCH, ACCOUNTS + "/" + a,
        new JsonObject().put("quota", new JsonObject().put("bytes", -1))));
  }

  @Test
  void update_unknownField_is400() {
    String a = account(newCameraId("e")).getString("id");
    assertError(400, "unknown_field", operator(HttpMethod.PATCH, ACCOUNTS + "/" + a, new JsonObject().put("id", "x")));
  }

  @Test
  void update_notJson_is400() {
    String a = account(newCameraId("e")).getString("id");
    assertError(400, "bad_json", await(svc.admin(HttpMethod.PATCH, ACCOUNTS + "/" + a)
        .sendBuffer(Buffer.buffer("[1]"))));
  }

  @Test
  void delete_badAccountId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.DELETE, ACCOUNTS + "/-leading-dash", null));
  }

  @Test
  void adminToken_badAccountId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.POST, ACCOUNTS + "/UPPER/admin-token", null));
  }

  @Test
  void update_badAccountId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.PATCH, ACCOUNTS + "/a.b",
        new JsonObject().put("displayName", "x")));
  }

  @Test
  void patchCamera_emptyBody_is400() {
    String cam = newCameraId("c");
    svc.register(cam);
    assertError(400, "bad_enabled", patch(TestService.ADMIN_TOKEN, cam, new JsonObject()));
  }

  @Test
  void patchCamera_accountWithNonBooleanEnabled_is400() {
    String a = account(newCameraId("e")).getString("id");
    String cam = newCameraId("c");
    svc.register(cam);
    assertError(400, "bad_enabled", patch(TestService.ADMIN_TOKEN, cam, new JsonObject().put("account", a)
        .put("enabled", "no")));
    assertNull(operator(HttpMethod.GET, CAMERAS + "/" + cam, null).bodyAsJsonObject().getString("account"));
  }

  @Test
  void pathWithBadAccountId_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.GET, ACCOUNTS + "/Bad%20Id", null));
  }

  @Test
  void list_badLimit_is400() {
    assertError(400, "bad_limit", operator(HttpMethod.GET, ACCOUNTS + "?limit=0", null));
  }

  @Test
  void list_badAfter_is400() {
    assertError(400, "bad_after", operator(HttpMethod.GET, ACCOUNTS + "?after=UP", null));
  }

  @Test
  void registerCamera_badAccount_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.POST, CAMERAS, new JsonObject()
        .put("id", newCameraId("c")).put("account", "No Such")));
  }

  @Test
  void patchCamera_badAccount_is400() {
    String cam = newCameraId("c");
    svc.register(cam);
    assertError(400, "bad_account_id", patch(TestService.ADMIN_TOKEN, cam, new JsonObject().put("account", 7)));
  }

  @Test
  void listCameras_badAccount_is400() {
    assertError(400, "bad_account_id", operator(HttpMethod.GET, CAMERAS + "?account=%2A", null));
  }

  // --- helpers

  private static JsonObject account(String id) {
    HttpResponse<Buffer> r = operator(HttpMethod.POST, ACCOUNTS, new JsonObject().put("id", id));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static String registerIn(String account) {
    String cam = newCameraId("cam");
    HttpResponse<Buffer> r = operator(HttpMethod.POST, CAMERAS, new JsonObject().put("id", cam).put("account", account));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return cam;
  }

  private static String mintToken(String account) {
    HttpResponse<Buffer> r = operator(HttpMethod.POST, ACCOUNTS + "/" + account + "/admin-token", null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(account, r.bodyAsJsonObject().getString("account"));
    return r.bodyAsJsonObject().getString("token");
  }

  private static HttpResponse<Buffer> patch(String token, String camera, JsonObject body) {
    return as(token, HttpMethod.PATCH, CAMERAS + "/" + camera, body);
  }

  private static HttpResponse<Buffer> operator(HttpMethod method, String path, JsonObject body) {
    return as(TestService.ADMIN_TOKEN, method, path, body);
  }

  private static HttpResponse<Buffer> as(String token, HttpMethod method, String path, JsonObject body) {
    var req = svc.web.request(method, path).bearerTokenAuthentication(token);
    return await(body == null ? req.send() : req.sendJsonObject(body));
  }

  private static List<String> listAll() {
    List<String> ids = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = operator(HttpMethod.GET, ACCOUNTS + "?limit=1000" + (after == null ? "" : "&after=" + after),
          null).bodyAsJsonObject();
      page.getJsonArray("accounts").forEach(a -> ids.add(((JsonObject) a).getString("id")));
      after = page.getString("next");
    } while (after != null);
    return ids;
  }

  private static List<String> idsOf(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray cameras = r.bodyAsJsonObject().getJsonArray("cameras");
    List<String> ids = new ArrayList<>();
    cameras.forEach(c -> ids.add(((JsonObject) c).getString("id")));
    return ids;
  }

  private static void assertError(int status, String code, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    assertEquals(code, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    assertFalse(r.bodyAsJsonObject().getString("message").isBlank());
  }
}
