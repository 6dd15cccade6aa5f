package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.StorageKeyGrant;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CredentialRequestTest {
  private static TestService svc;
  private static MqttClient camera;
  private static final BlockingQueue<CredentialResponse> responses = new LinkedBlockingQueue<>();

  /** One test client (a service account on the test broker) plays every camera. */
  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx);
    camera = MqttClient.create(vertx, new MqttClientOptions().setClientId("credential-test-client")
        .setUsername("test").setPassword("test").setCleanSession(true));
    camera.publishHandler(m -> responses.add(Json.decode(m.payload().getBytes(), CredentialResponse.class)));
    await(camera.connect(svc.stack.broker().port(), svc.stack.broker().host()));
    await(camera.subscribe("cameras/+/credentials/response", 1));
  }

  @AfterAll
  static void disconnect() {
    await(camera.disconnect());
  }

  @Test
  void request_fromEnabledCamera_getsKeys_andGrantIsInClusterMap() throws Exception {
    String id = newCameraId("keys");
    svc.register(id);
    CredentialResponse r = request(id, "{\"v\":1,\"requestId\":\"r-1\"}", "r-1");
    assertNull(r.error());
    assertTrue(r.accessKeyId().matches("IPC[A-Z0-9]{17}"), r.accessKeyId());
    assertTrue(r.secretAccessKey().matches("[A-Za-z0-9]{40}"));
    assertNotNull(r.sessionToken());
    assertEquals(svc.stack.s3().bucket(), r.bucket());
    assertEquals(id, r.prefix());
    assertEquals(svc.stack.s3().endpoint().toString(), r.endpoint());
    assertEquals(Boolean.TRUE, r.pathStyle());
    long lifetime = r.expiration() - System.currentTimeMillis();
    assertTrue(lifetime > 3_500_000 && lifetime <= 3_600_000, "lifetime " + lifetime);

    StorageKeyGrant grant = StorageKeyGrant.fromJson(await(keys().compose(m -> m.get(r.accessKeyId()))));
    assertEquals(new StorageKeyGrant(id, r.secretAccessKey(), r.bucket(), id, r.expiration()), grant);
  }

  @Test
  void malformedRequest_isDropped_andNextRequestIsServed() throws Exception {
    String id = newCameraId("bad");
    svc.register(id);
    publish(id, "{not json");
    CredentialResponse error = next(null);
    assertNotNull(error.error());
    CredentialResponse ok = request(id, "{\"v\":1,\"requestId\":\"after-bad\"}", "after-bad");
    assertNull(ok.error());
  }

  @Test
  void unsupportedVersion_isAnsweredWithError() throws Exception {
    String id = newCameraId("ver");
    svc.register(id);
    CredentialResponse r = request(id, "{\"v\":9,\"requestId\":\"r-9\"}", "r-9");
    assertTrue(r.error().contains("version"), r.error());
  }

  @Test
  void unknownCamera_isAnsweredWithError() throws Exception {
    String id = newCameraId("unk");
    CredentialResponse r = request(id, "{\"v\":1,\"requestId\":\"u-1\"}", "u-1");
    assertEquals("camera is not registered", r.error());
    assertNull(r.accessKeyId());
  }

  @Test
  void disabledCamera_isRefused_andItsLiveKeysAreRevoked() throws Exception {
    String id = newCameraId("off");
    svc.register(id);
    String key = request(id, "{\"v\":1,\"requestId\":\"d-1\"}", "d-1").accessKeyId();
    assertNotNull(await(keys().compose(m -> m.get(key))));
    assertEquals(200, svc.setEnabled(id, false).statusCode());
    assertNull(await(keys().compose(m -> m.get(key))));
    assertEquals("camera is disabled", request(id, "{\"v\":1,\"requestId\":\"d-2\"}", "d-2").error());
  }

  @Test
  void deletedCamera_losesItsLiveKeys() throws Exception {
    String id = newCameraId("gone");
    svc.register(id);
    String k1 = request(id, "{\"v\":1,\"requestId\":\"g-1\"}", "g-1").accessKeyId();
    String k2 = request(id, "{\"v\":1,\"requestId\":\"g-2\"}", "g-2").accessKeyId();
    assertEquals(204, await(svc.admin(HttpMethod.DELETE, "/api/v1/cameras/" + id).send()).statusCode());
    assertNull(await(keys().compose(m -> m.get(k1))));
    assertNull(await(keys().compose(m -> m.get(k2))));
  }

  @Test
  void issuanceAndRefusal_areAuditedAndCounted() throws Exception {
    String id = newCameraId("aud");
    svc.register(id);
    String key = request(id, "{\"v\":1,\"requestId\":\"a-1\"}", "a-1").accessKeyId();
    svc.setEnabled(id, false);
    request(id, "{\"v\":1,\"requestId\":\"a-2\"}", "a-2");
    TestService.awaitCondition("issuance and refusal audited", () -> svc.db
        .preparedQuery("SELECT string_agg(outcome || ':' || reason, ',' ORDER BY id) FROM credential.audit "
            + "WHERE camera_id = $1 AND action = 'credentials.issue'")
        .execute(Tuple.of(id))
        .map(rows -> ("ok:key " + key + ",refused:disabled").equals(rows.iterator().next().getString(0))));
    String metrics = await(svc.web.get("/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("credentials_issued_total"), metrics);
    assertTrue(metrics.contains("credentials_refused_total{reason=\"disabled\"}"), metrics);
  }

  private static Future<AsyncMap<String, String>> keys() {
    return svc.vertx.sharedData().getAsyncMap(ClusterNames.S3_KEYS);
  }

  private static CredentialResponse request(String id, String payload, String requestId) throws Exception {
    publish(id, payload);
    return next(requestId);
  }

  private static void publish(String id, String payload) {
    await(camera.publish(Topics.credentialsRequest(id), Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false,
        false));
  }

  /** The next response with this request id (null: the next one without a request id), within the deadline. */
  private static CredentialResponse next(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + TestService.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      CredentialResponse r = responses.poll(100, TimeUnit.MILLISECONDS);
      if (r != null && java.util.Objects.equals(r.requestId(), requestId)) return r;
    }
    throw new AssertionError("no credential response for request " + requestId);
  }
}
