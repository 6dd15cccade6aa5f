package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.broker.BrokerAuthClient;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.protocol.BrokerLoginDecision;
import io.ipchls.protocol.BrokerLoginRequest;
import io.ipchls.protocol.ClusterNames;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerAuthTest {
  private static TestService svc;

  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx);
  }

  @AfterAll
  static void restoreBrokerAuth() {
    svc.unwire();
  }

  @Test
  void camera_rightSecret_isAcceptedAsCamera_andLastSeenSet() {
    String id = newCameraId("ok");
    String secret = svc.register(id).getString("secret");
    BrokerLoginDecision reply = login(id, id, secret);
    assertEquals(BrokerLoginDecision.camera(id), reply);
    TestService.awaitCondition("last_seen_at set", () -> svc.db
        .preparedQuery("SELECT last_seen_at IS NOT NULL FROM credential.devices WHERE id = $1")
        .execute(Tuple.of(id)).map(rows -> rows.iterator().next().getBoolean(0)));
  }

  @Test
  void camera_wrongSecret_isRefused() {
    String id = newCameraId("bad");
    svc.register(id);
    BrokerLoginDecision reply = login(id, id, "not-the-secret");
    assertFalse(reply.ok());
    assertEquals("bad_credentials", reply.reason());
  }

  @Test
  void camera_unknown_isRefused() {
    String id = newCameraId("unk");
    assertEquals("unknown_user", login(id, id, "whatever").reason());
  }

  @Test
  void camera_clientIdNotItsId_isRefused() {
    String id = newCameraId("cid");
    String secret = svc.register(id).getString("secret");
    assertEquals("client_id_mismatch", login("someone-else", id, secret).reason());
  }

  @Test
  void camera_disabledAfterCachedLogin_isRefused() {
    String id = newCameraId("dis");
    String secret = svc.register(id).getString("secret");
    assertTrue(login(id, id, secret).ok());
    assertEquals(200, svc.setEnabled(id, false).statusCode());
    assertEquals("disabled", login(id, id, secret).reason());
  }

  @Test
  void camera_oldSecretAfterRotation_isRefused() {
    String id = newCameraId("rot");
    String old = svc.register(id).getString("secret");
    assertTrue(login(id, id, old).ok());
    String fresh = await(svc.admin(HttpMethod.POST, "/api/v1/cameras/" + id + "/secret").send())
        .bodyAsJsonObject().getString("secret");
    assertEquals("bad_credentials", login(id, id, old).reason());
    assertTrue(login(id, id, fresh).ok());
  }

  @Test
  void serviceAccount_rightPassword_isAcceptedAsService() {
    BrokerLoginDecision reply = login("ingest-1", TestService.INGEST_USER, TestService.INGEST_PASSWORD);
    assertEquals(BrokerLoginDecision.service(), reply);
  }

  @Test
  void serviceAccount_wrongPassword_isRefused() {
    assertEquals("bad_credentials", login("ingest-1", TestService.INGEST_USER, "guess").reason());
  }

  @Test
  void malformedLoginCheck_isRefused() {
    // no clientId, no password: what a sender of another version (or a bug) might send
    JsonObject request = ClusterMessages.toJson(new BrokerLoginRequest(null, "x", null));
    JsonObject reply = await(svc.vertx.eventBus().<JsonObject>request(ClusterNames.BROKER_AUTHENTICATE, request))
        .body();
    assertEquals("bad_request", BrokerAuthClient.openReply(svc.vertx, request, reply).reason());
  }

  /** The whole path: the broker asks credential-service over the event bus, a camera connects with its secret. */
  @Test
  void broker_wiredToService_letsCameraInWithItsSecretOnly() {
    svc.wireEmbeddedStack();
    String id = newCameraId("mqtt");
    String secret = svc.register(id).getString("secret");
    MqttClient good = mqttClient(id, secret);
    await(good.connect(svc.stack.broker().port(), svc.stack.broker().host()));
    assertTrue(good.isConnected());
    await(good.disconnect());
    MqttClient bad = mqttClient(id, "wrong-secret");
    Throwable refused = await(bad.connect(svc.stack.broker().port(), svc.stack.broker().host())
        .transform(ar -> Future.succeededFuture(ar.cause())));
    assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
        ((MqttConnectionException) refused).code());
    svc.unwire();
  }

  private static MqttClient mqttClient(String id, String secret) {
    return MqttClient.create(svc.vertx, new MqttClientOptions().setClientId(id).setUsername(id).setPassword(secret)
        .setCleanSession(true));
  }

  private static BrokerLoginDecision login(String clientId, String username, String password) {
    JsonObject request = BrokerAuthClient.sealedRequest(svc.vertx, clientId, username, password, null);
    JsonObject reply = await(svc.vertx.eventBus().<JsonObject>request(ClusterNames.BROKER_AUTHENTICATE, request))
        .body();
    return BrokerAuthClient.openReply(svc.vertx, request, reply);
  }
}
