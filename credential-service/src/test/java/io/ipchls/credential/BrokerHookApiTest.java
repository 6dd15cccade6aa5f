package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.credential.CredentialConfig.AuthSettings;
import io.ipchls.protocol.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The EMQX-compatible HTTP authentication and authorization endpoints, over HTTP against the running service. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerHookApiTest {
  private static final String HOOK_SECRET = "emqx-hook-secret-0123456789";
  private static final JsonObject ALLOW = new JsonObject().put("result", "allow").put("is_superuser", false);
  private static final JsonObject DENY = new JsonObject().put("result", "deny").put("is_superuser", false);
  private static TestService svc;

  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx, new JsonObject().put("auth", new JsonObject().put("brokerHookSecret",
        HOOK_SECRET)));
  }

  @Test
  void authenticate_cameraWithItsSecret_isAllowed() {
    String id = newCameraId("emqx");
    String secret = svc.register(id).getString("secret");
    assertEquals(ALLOW, authenticate(id, secret, id).bodyAsJsonObject());
  }

  @Test
  void authenticate_wrongSecret_isDenied() {
    String id = newCameraId("emqx-bad");
    svc.register(id);
    assertEquals(DENY, authenticate(id, "not-the-secret", id).bodyAsJsonObject());
  }

  @Test
  void authenticate_unknownCamera_isDenied() {
    String id = newCameraId("emqx-unk");
    assertEquals(DENY, authenticate(id, "whatever", id).bodyAsJsonObject());
  }

  @Test
  void authenticate_disabledCamera_isDenied() {
    String id = newCameraId("emqx-off");
    String secret = svc.register(id).getString("secret");
    svc.setEnabled(id, false);
    assertEquals(DENY, authenticate(id, secret, id).bodyAsJsonObject());
  }

  @Test
  void authenticate_clientIdOtherThanCameraId_isDenied() {
    String id = newCameraId("emqx-cid");
    String secret = svc.register(id).getString("secret");
    assertEquals(DENY, authenticate(id, secret, "someone-else").bodyAsJsonObject());
  }

  @Test
  void authenticate_serviceAccount_isAllowed() {
    assertEquals(ALLOW, authenticate(TestService.INGEST_USER, TestService.INGEST_PASSWORD, "ingest-1")
        .bodyAsJsonObject());
  }

  @Test
  void authenticate_withPeerhost_isAllowed_andAFailureIsCountedAgainstTheAddress() {
    String id = newCameraId("emqx-peer");
    String secret = svc.register(id).getString("secret");
    assertEquals(ALLOW, post("/broker/v1/authenticate", new JsonObject().put("username", id).put("password", secret)
        .put("clientid", id).put("peerhost", "192.0.2.77")).bodyAsJsonObject());
    assertEquals(DENY, post("/broker/v1/authenticate", new JsonObject().put("username", id).put("password", "nope")
        .put("clientid", id).put("peerhost", "192.0.2.77")).bodyAsJsonObject());
    assertEquals(1L, TestService.await(svc.db.preparedQuery(
            "SELECT failures FROM credential.login_failures WHERE key = 'addr:192.0.2.77'").execute())
        .iterator().next().getInteger(0).longValue());
  }

  @Test
  void authenticate_peerhostNotAString_is400() {
    HttpResponse<Buffer> r = post("/broker/v1/authenticate", new JsonObject().put("username", "cam-a")
        .put("password", "x").put("clientid", "cam-a").put("peerhost", 42));
    assertEquals(400, r.statusCode());
    assertEquals("bad_peerhost", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void authenticate_reservedCameraId_isDenied() {
    assertEquals(DENY, authenticate("ingest-evil", "whatever", "ingest-evil").bodyAsJsonObject());
  }

  @Test
  void authorize_cameraPublishingItsOwnRequest_isAllowed() {
    assertEquals("allow", authorize("cam-a", "cam-a", Topics.credentialsRequest("cam-a"), "publish"));
  }

  @Test
  void authorize_cameraPublishingAnotherCamerasRequest_isDenied() {
    assertEquals("deny", authorize("cam-a", "cam-a", Topics.credentialsRequest("cam-b"), "publish"));
  }

  @Test
  void authorize_cameraSubscribingAnotherCamerasResponse_isDenied() {
    assertEquals("deny", authorize("cam-a", "cam-a", Topics.credentialsResponse("cam-b"), "subscribe"));
  }

  @Test
  void authorize_cameraPublishingItsOwnEvents_isAllowed_anotherCamerasIsDenied() {
    assertEquals("allow", authorize("cam-a", "cam-a", Topics.events("cam-a"), "publish"));
    assertEquals("deny", authorize("cam-a", "cam-a", Topics.events("cam-b"), "publish"));
    assertEquals("allow", authorize("cam-a", "cam-a", Topics.eventsRejected("cam-a"), "subscribe"));
  }

  @Test
  void authorize_cameraSubscribingHash_isDenied() {
    assertEquals("deny", authorize("cam-a", "cam-a", "#", "subscribe"));
  }

  @Test
  void authorize_cameraSubscribingItsOwnResponse_isAllowed() {
    assertEquals("allow", authorize("cam-a", "cam-a", Topics.credentialsResponse("cam-a"), "subscribe"));
  }

  @Test
  void authorize_cameraWithForeignClientId_isDenied() {
    assertEquals("deny", authorize("cam-a", "cam-b", Topics.credentialsRequest("cam-a"), "publish"));
  }

  @Test
  void authorize_serviceAccount_mayUseAnyTopic() {
    assertEquals("allow", authorize(TestService.INGEST_USER, "ingest-1", Topics.INGEST_SHARED_SEGMENTS,
        "subscribe"));
  }

  @Test
  void missingHookSecret_is401() {
    HttpResponse<Buffer> r = await(svc.web.post("/broker/v1/authenticate").sendJsonObject(new JsonObject()
        .put("username", "x").put("password", "y").put("clientid", "x")));
    assertEquals(401, r.statusCode());
    assertEquals("unauthorized", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void wrongHookSecret_is401() {
    HttpResponse<Buffer> r = await(svc.web.post("/broker/v1/authorize")
        .putHeader(AuthSettings.BROKER_HOOK_HEADER, "not-the-hook-secret-at-all")
        .sendJsonObject(new JsonObject().put("username", "x").put("clientid", "x").put("topic", "#")
            .put("action", "subscribe")));
    assertEquals(401, r.statusCode());
  }

  @Test
  void malformedBody_is400() {
    HttpResponse<Buffer> r = await(svc.web.post("/broker/v1/authenticate")
        .putHeader(AuthSettings.BROKER_HOOK_HEADER, HOOK_SECRET).putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"username\":")));
    assertEquals(400, r.statusCode());
    assertEquals("bad_json", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void missingPassword_is400() {
    HttpResponse<Buffer> r = post("/broker/v1/authenticate", new JsonObject().put("username", "x")
        .put("clientid", "x"));
    assertEquals(400, r.statusCode());
    assertEquals("bad_password", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  void unknownAction_is400() {
    HttpResponse<Buffer> r = post("/broker/v1/authorize", new JsonObject().put("username", "cam-a")
        .put("clientid", "cam-a").put("topic", "x").put("action", "retain"));
    assertEquals(400, r.statusCode());
    assertEquals("bad_action", r.bodyAsJsonObject().getString("error"));
  }

  private static HttpResponse<Buffer> authenticate(String username, String password, String clientId) {
    HttpResponse<Buffer> r = post("/broker/v1/authenticate", new JsonObject().put("username", username)
        .put("password", password).put("clientid", clientId));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r;
  }

  private static String authorize(String username, String clientId, String topic, String action) {
    HttpResponse<Buffer> r = post("/broker/v1/authorize", new JsonObject().put("username", username)
        .put("clientid", clientId).put("topic", topic).put("action", action));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("result");
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(svc.web.post(path).putHeader(AuthSettings.BROKER_HOOK_HEADER, HOOK_SECRET).sendJsonObject(body));
  }
}
