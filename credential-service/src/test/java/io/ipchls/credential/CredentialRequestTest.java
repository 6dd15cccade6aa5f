package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.issuer.GrantMap;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.StorageKeyGrant;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private static AnyCameraClient camera;

  /** One test client (a service account on the test broker) plays every camera. */
  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx);
    camera = new AnyCameraClient(svc, "credential-test-client");
  }

  @AfterAll
  static void disconnect() {
    camera.close();
  }

  @Test
  void request_fromEnabledCamera_getsKeys_andGrantIsInClusterMap() {
    String id = newCameraId("keys");
    svc.register(id);
    CredentialResponse r = camera.request(id, "{\"v\":1,\"requestId\":\"r-1\"}", "r-1");
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

    StorageKeyGrant grant = await(new GrantMap(svc.vertx).get(r.accessKeyId())).orElseThrow();
    assertEquals(new StorageKeyGrant(id, r.secretAccessKey(), r.bucket(), id, r.expiration()), grant);
    String stored = await(keys().compose(m -> m.get(r.accessKeyId())));
    assertFalse(stored.contains(r.secretAccessKey()), "the map holds the grant sealed, never the secret key");
  }

  @Test
  void malformedRequest_isDropped_andNextRequestIsServed() {
    String id = newCameraId("bad");
    svc.register(id);
    camera.publish(id, "{not json");
    CredentialResponse error = camera.next(null);
    assertNotNull(error.error());
    CredentialResponse ok = camera.request(id, "{\"v\":1,\"requestId\":\"after-bad\"}", "after-bad");
    assertNull(ok.error());
  }

  @Test
  void unsupportedVersion_isAnsweredWithError() {
    String id = newCameraId("ver");
    svc.register(id);
    CredentialResponse r = camera.request(id, "{\"v\":9,\"requestId\":\"r-9\"}", "r-9");
    assertTrue(r.error().contains("version"), r.error());
  }

  @Test
  void unknownCamera_isAnsweredWithError() {
    String id = newCameraId("unk");
    CredentialResponse r = camera.request(id, "{\"v\":1,\"requestId\":\"u-1\"}", "u-1");
    assertEquals("camera is not registered", r.error());
    assertNull(r.accessKeyId());
  }

  @Test
  void disabledCamera_isRefused_andItsLiveKeysAreRevoked() {
    String id = newCameraId("off");
    svc.register(id);
    String key = camera.request(id, "{\"v\":1,\"requestId\":\"d-1\"}", "d-1").accessKeyId();
    assertNotNull(await(keys().compose(m -> m.get(key))));
    assertEquals(200, svc.setEnabled(id, false).statusCode());
    assertNull(await(keys().compose(m -> m.get(key))));
    assertEquals("camera is disabled", camera.request(id, "{\"v\":1,\"requestId\":\"d-2\"}", "d-2").error());
  }

  @Test
  void deletedCamera_losesItsLiveKeys() {
    String id = newCameraId("gone");
    svc.register(id);
    String k1 = camera.request(id, "{\"v\":1,\"requestId\":\"g-1\"}", "g-1").accessKeyId();
    String k2 = camera.request(id, "{\"v\":1,\"requestId\":\"g-2\"}", "g-2").accessKeyId();
    assertEquals(204, await(svc.admin(HttpMethod.DELETE, "/api/v1/cameras/" + id).send()).statusCode());
    assertNull(await(keys().compose(m -> m.get(k1))));
    assertNull(await(keys().compose(m -> m.get(k2))));
  }

  @Test
  void issuanceAndRefusal_areAuditedAndCounted() {
    String id = newCameraId("aud");
    svc.register(id);
    String key = camera.request(id, "{\"v\":1,\"requestId\":\"a-1\"}", "a-1").accessKeyId();
    svc.setEnabled(id, false);
    camera.request(id, "{\"v\":1,\"requestId\":\"a-2\"}", "a-2");
    TestService.awaitCondition("issuance and refusal audited", () -> svc.db
        .preparedQuery("SELECT string_agg(outcome || ':' || reason, ',' ORDER BY id) FROM credential.audit "
            + "WHERE camera_id = $1 AND action = 'credentials.issue'")
        .execute(Tuple.of(id))
        .map(rows -> ("ok:key " + key + ",refused:disabled").equals(rows.iterator().next().getString(0))));
    String metrics = await(svc.admin(io.vertx.core.http.HttpMethod.GET, "/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("credentials_issued_total"), metrics);
    assertTrue(metrics.contains("credentials_refused_total{reason=\"disabled\"}"), metrics);
  }

  /**
   * The SDK asks at QoS 0 ({@code CredentialRequest.QOS}): such requests wait their turn in credential-service rather
   * than in the broker's persistent queue, and each camera still gets its answer with its own key; QoS 1 requests
   * of other clients in the same wave are answered as before.
   */
  @Test
  void qos0Requests_ofAWave_areEachAnswered_besideQos1Ones() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add(newCameraId("qos0"));
      svc.register(ids.get(i));
    }
    for (int i = 0; i < ids.size(); i++) {
      camera.publish(ids.get(i), "{\"v\":1,\"requestId\":\"q-" + ids.get(i) + "\"}",
          i % 3 == 0 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE);
    }
    Map<String, CredentialResponse> got = camera.collect(ids.size());
    Set<String> keys = new HashSet<>();
    for (String id : ids) {
      CredentialResponse r = got.get("q-" + id);
      assertNotNull(r, "no answer for " + id);
      assertNull(r.error(), id);
      assertEquals(id, await(new GrantMap(svc.vertx).get(r.accessKeyId())).orElseThrow().cameraId());
      keys.add(r.accessKeyId());
    }
    assertEquals(ids.size(), keys.size(), "one key per camera");
  }

  /**
   * Requests arriving together share their database statements; each camera still gets its own answer and key, a
   * camera asking three times at once gets three keys, and every issuance and refusal has its own audit row.
   */
  @Test
  void requestsArrivingTogether_eachGetTheirOwnAnswer_andAreEachAudited() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ids.add(newCameraId("wave"));
      svc.register(ids.get(i));
    }
    String twice = ids.get(0);
    String disabled = newCameraId("wave-off");
    svc.register(disabled);
    svc.setEnabled(disabled, false);
    String unknown = newCameraId("wave-unknown");

    for (String id : ids) camera.publish(id, "{\"v\":1,\"requestId\":\"w-" + id + "\"}");
    camera.publish(twice, "{\"v\":1,\"requestId\":\"w2-" + twice + "\"}");
    camera.publish(twice, "{\"v\":1,\"requestId\":\"w3-" + twice + "\"}");
    camera.publish(disabled, "{\"v\":1,\"requestId\":\"w-" + disabled + "\"}");
    camera.publish(unknown, "{\"v\":1,\"requestId\":\"w-" + unknown + "\"}");
    Map<String, CredentialResponse> got = camera.collect(ids.size() + 4);

    Map<String, String> keyOf = new HashMap<>();
    for (String id : ids) {
      CredentialResponse r = got.get("w-" + id);
      assertNull(r.error(), id);
      assertEquals(id, r.prefix());
      assertEquals(id, await(new GrantMap(svc.vertx).get(r.accessKeyId())).orElseThrow().cameraId());
      keyOf.put(id, r.accessKeyId());
    }
    Set<String> keysOfTwice = new HashSet<>(List.of(keyOf.get(twice), got.get("w2-" + twice).accessKeyId(),
        got.get("w3-" + twice).accessKeyId()));
    assertEquals(3, keysOfTwice.size(), "three requests, three keys");
    assertEquals(ids.size() + 2, new HashSet<>(got.values().stream().map(CredentialResponse::accessKeyId)
        .filter(java.util.Objects::nonNull).toList()).size(), "no key is handed out twice");
    assertEquals("camera is disabled", got.get("w-" + disabled).error());
    assertEquals("camera is not registered", got.get("w-" + unknown).error());

    List<String> all = new ArrayList<>(ids);
    all.add(disabled);
    all.add(unknown);
    TestService.awaitCondition("every answer audited", () -> svc.db
        .preparedQuery("SELECT camera_id, outcome, reason FROM credential.audit WHERE camera_id = ANY($1) "
            + "AND action = 'credentials.issue'")
        .execute(Tuple.of(all.toArray(String[]::new)))
        .map(rows -> {
          Set<String> audited = new HashSet<>();
          rows.forEach(row -> audited.add(row.getString(0) + " " + row.getString(1) + " " + row.getString(2)));
          Set<String> expected = new HashSet<>();
          ids.forEach(id -> expected.add(id + " ok key " + keyOf.get(id)));
          expected.add(twice + " ok key " + got.get("w2-" + twice).accessKeyId());
          expected.add(twice + " ok key " + got.get("w3-" + twice).accessKeyId());
          expected.add(disabled + " refused disabled");
          expected.add(unknown + " refused unknown_camera");
          return audited.equals(expected) && rows.size() == expected.size();
        }));
  }

  private static Future<AsyncMap<String, String>> keys() {
    return svc.vertx.sharedData().getAsyncMap(ClusterNames.S3_KEYS);
  }
}
