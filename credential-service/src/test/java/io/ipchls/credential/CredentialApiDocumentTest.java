package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.credential.CredentialConfig.AuthSettings;
import io.ipchls.credential.http.AdminApiVerticle;
import io.ipchls.infra.ApiContract;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document credential-service serves ({@code GET /openapi.yaml}) against the running service: the same
 * routes as its router (the broker hooks included, so the hook secret is configured), and the responses its API
 * gives, successes and errors, match the documented schemas.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CredentialApiDocumentTest {
  private static final String HOOK_SECRET = "api-document-hook-secret-0123";
  private static final String CAMERAS = "/api/v1/cameras";
  private static TestService svc;
  private static ApiContract contract;

  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx, new JsonObject().put("auth", new JsonObject()
        .put("brokerHookSecret", HOOK_SECRET)));
    contract = ApiContract.load(vertx, "openapi/credential-service.yaml");
  }

  @Test
  void document_listsExactlyTheRoutesOfTheRouter(Vertx vertx) {
    var router = ApiContract.deployed(vertx, AdminApiVerticle.class).router();
    assertEquals(contract.documentedRoutes(), ApiContract.routesOf(router, null, Set.of()));
  }

  @Test
  void servedDocument_isTheResource() {
    HttpResponse<Buffer> r = await(svc.web.get("/openapi.yaml").send());
    assertEquals(200, r.statusCode());
    assertEquals(Buffer.buffer(svc.vertx.fileSystem().readFileBlocking("openapi/credential-service.yaml").getBytes()),
        r.body());
    contract.assertValid(HttpMethod.GET, "/openapi.yaml", r);
  }

  @Test
  void cameraLifecycle_answersMatchTheDocument() {
    String id = newCameraId("oas");
    valid(HttpMethod.POST, CAMERAS, new JsonObject().put("id", id).put("prefix", "site/" + id), 201);
    valid(HttpMethod.POST, CAMERAS, new JsonObject().put("id", id), 409);
    valid(HttpMethod.GET, CAMERAS + "?limit=2", null, 200);
    valid(HttpMethod.GET, CAMERAS + "/" + id, null, 200);
    valid(HttpMethod.PATCH, CAMERAS + "/" + id, new JsonObject().put("enabled", false), 200);
    valid(HttpMethod.POST, CAMERAS + "/" + id + "/secret", null, 200);
    valid(HttpMethod.DELETE, CAMERAS + "/" + id, null, 204);
    valid(HttpMethod.GET, CAMERAS + "/" + id, null, 404);
  }

  @Test
  void accountLifecycle_answersMatchTheDocument() {
    String account = newCameraId("oas-acct");
    String camera = newCameraId("oas");
    valid(HttpMethod.POST, "/api/v1/accounts", new JsonObject().put("id", account)
        .put("quota", new JsonObject().put("bytes", 1000).put("policy", "stop")), 201);
    valid(HttpMethod.POST, "/api/v1/accounts", new JsonObject().put("id", account), 409);
    valid(HttpMethod.POST, "/api/v1/accounts", new JsonObject().put("id", "admin"), 400);
    valid(HttpMethod.GET, "/api/v1/accounts?limit=2", null, 200);
    valid(HttpMethod.PATCH, "/api/v1/accounts/" + account, new JsonObject().put("displayName", "A"), 200);
    valid(HttpMethod.POST, "/api/v1/accounts/" + account + "/admin-token", null, 200);
    valid(HttpMethod.POST, CAMERAS, new JsonObject().put("id", camera).put("account", account), 201);
    valid(HttpMethod.GET, CAMERAS + "?account=" + account, null, 200);
    valid(HttpMethod.DELETE, "/api/v1/accounts/" + account, null, 409);
    valid(HttpMethod.PATCH, CAMERAS + "/" + camera, new JsonObject().putNull("account"), 200);
    valid(HttpMethod.DELETE, "/api/v1/accounts/" + account, null, 204);
    valid(HttpMethod.GET, "/api/v1/accounts/" + account, null, 404);
  }

  @Test
  void badRequestsAndMissingToken_answersMatchTheDocument() {
    valid(HttpMethod.POST, CAMERAS, new JsonObject().put("id", "Not A Camera"), 400);
    valid(HttpMethod.GET, CAMERAS + "?limit=0", null, 400);
    valid(HttpMethod.PATCH, CAMERAS + "/" + newCameraId("oas"), new JsonObject().put("enabled", "yes"), 400);
    String path = CAMERAS + "/" + newCameraId("oas");
    HttpResponse<Buffer> anonymous = await(svc.web.get(path).send());
    assertEquals(401, anonymous.statusCode());
    contract.assertValid(HttpMethod.GET, path, anonymous);
  }

  @Test
  void brokerHooks_answersMatchTheDocument() {
    JsonObject login = new JsonObject().put("username", "nobody").put("password", "x").put("clientid", "nobody");
    hook("/broker/v1/authenticate", HOOK_SECRET, login, 200);
    hook("/broker/v1/authenticate", HOOK_SECRET, new JsonObject().put("username", "x"), 400);
    hook("/broker/v1/authenticate", "wrong-hook-secret-0123456789", login, 401);
    JsonObject topic = new JsonObject().put("username", "cam-a").put("clientid", "cam-a")
        .put("topic", "cameras/cam-a/segments").put("action", "publish");
    hook("/broker/v1/authorize", HOOK_SECRET, topic, 200);
    hook("/broker/v1/authorize", HOOK_SECRET, topic.copy().put("action", "retain"), 400);
  }

  @Test
  void healthMetricsAndOps_answersMatchTheDocument() {
    contract.assertValid(HttpMethod.GET, "/health", await(svc.web.get("/health").send()));
    valid(HttpMethod.GET, "/metrics", null, 200);
    HttpResponse<Buffer> anonymousMetrics = await(svc.web.get("/metrics").send());
    assertEquals(401, anonymousMetrics.statusCode());
    contract.assertValid(HttpMethod.GET, "/metrics", anonymousMetrics);
    valid(HttpMethod.GET, "/ops/v1/status", null, 200);
    valid(HttpMethod.GET, "/ops/v1/members", null, 200);
    HttpResponse<Buffer> anonymous = await(svc.web.get("/ops/v1/status").send());
    assertEquals(401, anonymous.statusCode());
    contract.assertValid(HttpMethod.GET, "/ops/v1/status", anonymous);
  }

  private static void valid(HttpMethod method, String path, JsonObject body, int status) {
    var request = svc.admin(method, path);
    HttpResponse<Buffer> r = await(body == null ? request.send() : request.sendJsonObject(body));
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.bodyAsString());
    contract.assertValid(method, path, r);
  }

  private static void hook(String path, String secret, JsonObject body, int status) {
    HttpResponse<Buffer> r = await(svc.web.post(path).putHeader(AuthSettings.BROKER_HOOK_HEADER, secret)
        .sendJsonObject(body));
    assertEquals(status, r.statusCode(), path + ": " + r.bodyAsString());
    contract.assertValid(HttpMethod.POST, path, r);
  }
}
