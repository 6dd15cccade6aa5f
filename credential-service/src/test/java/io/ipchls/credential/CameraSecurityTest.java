package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static io.ipchls.infra.S3Refusal.assertDenied;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.S3Refusal;
import io.ipchls.credential.issuer.GrantMap;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.CredentialResponse;
import io.ipchls.protocol.StorageKeyGrant;
import io.ipchls.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttConnectionException;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The issue's "done when" and every attack it names, end to end: cameras connect to the real embedded broker with their
 * own secrets, get credentials over MQTT from credential-service, and upload to the real embedded S3 server with them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CameraSecurityTest {
  private static final String OTHER_BUCKET = "other-bucket";
  private static final byte[] SEGMENT = new byte[2 * 1024 * 1024];
  private static TestService svc;
  private static S3Client root;
  private static String bucket;

  @BeforeAll
  static void deploy(Vertx vertx) {
    svc = TestService.deploy(vertx);
    svc.wireEmbeddedStack();
    var stack = svc.stack;
    bucket = stack.s3().bucket();
    root = S3Client.builder().endpointOverride(stack.s3().endpoint()).region(Region.of(stack.s3().region()))
        .forcePathStyle(true).httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            stack.options().s3AccessKey(), stack.options().s3SecretKey())))
        .build();
    if (root.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(OTHER_BUCKET))) {
      root.createBucket(b -> b.bucket(OTHER_BUCKET));
    }
  }

  @AfterAll
  static void restore() {
    svc.unwire();
    root.close();
  }

  /** The issue's "done when": credentials over MQTT, PUT under the prefix succeeds, then 403 once disabled. */
  @Test
  void camera_getsCredentialsOverMqtt_putSucceeds_thenDisabled_samePutIs403() {
    String id = newCameraId("happy");
    try (TestCamera cam = registeredCamera(id)) {
      CredentialResponse creds = cam.requestCredentials("h-1");
      assertNull(creds.error());
      assertEquals(id, creds.prefix());
      String key = TestCamera.segmentKey(creds.prefix());
      TestCamera.put(creds, creds.bucket(), key);
      assertEquals("segment of " + key, root.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());

      assertEquals(200, svc.setEnabled(id, false).statusCode());
      String again = key.replace(".ts", "-again.ts");
      assertPutRefusedAndNothingWritten(creds, bucket, again);
    }
  }

  @Test
  void connectedCamera_isDisconnectedWhenDisabled_andCannotReconnect() {
    String id = newCameraId("kicked");
    String secret = svc.register(id).getString("secret");
    try (TestCamera cam = TestCamera.connect(svc, id, secret)) {
      assertEquals(200, svc.setEnabled(id, false).statusCode());
      Await.until("disabled camera disconnected", TestService.WAIT, () -> !cam.mqtt.isConnected());
    }
    assertConnectRefused(id, secret);
  }

  @Test
  void connectedCamera_isDisconnectedWhenSecretRotated_andOldSecretCannotReconnect() {
    String id = newCameraId("rekeyed");
    String secret = svc.register(id).getString("secret");
    try (TestCamera cam = TestCamera.connect(svc, id, secret)) {
      assertEquals(200, await(svc.admin(HttpMethod.POST, "/api/v1/cameras/" + id + "/secret").send()).statusCode());
      Await.until("rotated camera disconnected", TestService.WAIT, () -> !cam.mqtt.isConnected());
    }
    assertConnectRefused(id, secret);
  }

  @Test
  void connect_wrongSecret_isRefusedWithBadUserNameOrPassword() {
    String id = newCameraId("wrong");
    svc.register(id);
    assertConnectRefused(id, "not-the-secret-of-this-camera");
    assertAudited(id, "broker.auth", "refused", "bad_credentials");
  }

  @Test
  void connect_unknownCamera_isRefused() {
    String id = newCameraId("unknown");
    assertConnectRefused(id, "any-secret-at-all");
  }

  @Test
  void connect_disabledCamera_isRefused() {
    String id = newCameraId("off");
    String secret = svc.register(id).getString("secret");
    svc.setEnabled(id, false);
    assertConnectRefused(id, secret);
    assertAudited(id, "broker.auth", "refused", "disabled");
  }

  @Test
  void request_malformedJson_isAnsweredWithError_andNothingIssued() {
    String id = newCameraId("malformed");
    try (TestCamera cam = registeredCamera(id)) {
      cam.publish(Topics.credentialsRequest(id), "{\"v\":1,\"requestId\":");
      CredentialResponse r = cam.nextResponse(null);
      assertTrue(r.error().startsWith("malformed"), r.error());
      assertNull(r.accessKeyId());
      assertAudited(id, "credentials.issue", "refused", "malformed");
      assertNothingIssued(id);
      assertNull(cam.requestCredentials("after-malformed").error(), "the service keeps serving");
    }
  }

  @Test
  void request_oversizedJson_isAnsweredWithError_andNothingIssued() {
    String id = newCameraId("oversized");
    try (TestCamera cam = registeredCamera(id)) {
      cam.publish(Topics.credentialsRequest(id), "{\"v\":1,\"requestId\":\"big\",\"pad\":\"" + "x".repeat(20_000)
          + "\"}");
      CredentialResponse r = cam.nextResponse(null);
      assertTrue(r.error().contains("exceeds"), r.error());
      assertAudited(id, "credentials.issue", "refused", "too_large");
      assertNothingIssued(id);
    }
  }

  /** Larger than what the services' MQTT clients accept: it must not knock credential-service off the broker. */
  @Test
  void request_largerThanAnyServiceAccepts_disconnectsOnlyTheSender_andServiceKeepsServing() {
    String id = newCameraId("huge");
    try (TestCamera cam = registeredCamera(id)) {
      cam.mqtt.publish(Topics.credentialsRequest(id), io.vertx.core.buffer.Buffer.buffer("x".repeat(200_000)),
          io.netty.handler.codec.mqtt.MqttQoS.AT_LEAST_ONCE, false, false);
      Await.until("the sender is disconnected", TestService.WAIT, () -> !cam.mqtt.isConnected());
    }
    String other = newCameraId("after-huge");
    try (TestCamera cam = registeredCamera(other)) {
      assertNull(cam.requestCredentials("after-huge-1").error(), "credential-service is still serving");
    }
    assertNothingIssued(id);
  }

  @Test
  void publish_onAnotherCamerasRequestTopic_isNotDelivered_andNothingIssuedForIt() {
    String a = newCameraId("attacker");
    String b = newCameraId("victim");
    try (TestCamera attacker = registeredCamera(a); TestCamera victim = registeredCamera(b)) {
      // QoS 1 publish outside its topics: HiveMQ drops it (and closes an MQTT 3.1.1 connection)
      attacker.mqtt.publish(Topics.credentialsRequest(b), io.vertx.core.buffer.Buffer.buffer(
          "{\"v\":1,\"requestId\":\"forged\"}"), io.netty.handler.codec.mqtt.MqttQoS.AT_LEAST_ONCE, false, false);
      CredentialResponse own = victim.requestCredentials("own");
      assertNull(own.error());
      assertNoResponse(victim, "forged");
      assertIssuedCount(b, 1);
      assertNothingIssued(a);
    }
  }

  @Test
  void subscribe_toAnotherCamerasResponseTopic_isRefused_andReceivesNothing() {
    String a = newCameraId("snoop");
    String b = newCameraId("target");
    try (TestCamera snoop = registeredCamera(a); TestCamera target = registeredCamera(b)) {
      assertEquals(List.of(0x80), snoop.subscribe(Topics.credentialsResponse(b)));
      CredentialResponse creds = target.requestCredentials("t-1");
      assertNotNull(creds.accessKeyId());
      assertTrue(snoop.received.stream().noneMatch(m -> m[1].contains(creds.accessKeyId())));
    }
  }

  @Test
  void subscribe_toHash_isRefused() {
    String id = newCameraId("hash");
    try (TestCamera cam = registeredCamera(id)) {
      assertEquals(List.of(0x80), cam.subscribe("#"));
      assertEquals(List.of(0x80), cam.subscribe("cameras/" + id + "/#"));
    }
  }

  @Test
  void requestFlood_isRateLimited_refusalsAuditedAndCounted_andServiceKeepsRunning() {
    String id = newCameraId("flood");
    int burst = svc.config.rateLimit().burst();
    int sent = burst * 4;
    long start = System.currentTimeMillis();
    int issued = 0;
    int limited = 0;
    try (TestCamera cam = registeredCamera(id)) {
      for (int i = 0; i < sent; i++) {
        cam.publish(Topics.credentialsRequest(id), "{\"v\":1,\"requestId\":\"f-" + i + "\"}");
      }
      for (CredentialResponse r : cam.collectResponses(sent).values()) {
        if (r.error() == null) issued++;
        else if (r.error().contains("too many")) limited++;
      }
    }
    long refills = (System.currentTimeMillis() - start) / (svc.config.rateLimit().refillSeconds() * 1000L) + 1;
    assertTrue(issued <= burst + refills, "issued " + issued + " of " + sent);
    assertEquals(sent, issued + limited);
    assertAudited(id, "credentials.issue", "refused", "rate_limited");
    String metrics = await(svc.admin(io.vertx.core.http.HttpMethod.GET, "/metrics").send()).bodyAsString();
    assertTrue(metrics.contains("credentials_refused_total{reason=\"rate_limited\"}"), metrics);
    try (TestCamera other = registeredCamera(newCameraId("calm"))) {
      assertNull(other.requestCredentials("calm-1").error(), "other cameras are still served");
    }
  }

  /** The key as the S3 server sees it once its lifetime has passed: the grant's expiry lies in the past. */
  @Test
  void put_withExpiredKey_is403_andNothingWritten() {
    String id = newCameraId("expired");
    try (TestCamera cam = registeredCamera(id)) {
      CredentialResponse creds = cam.requestCredentials("e-1");
      GrantMap grants = new GrantMap(svc.vertx);
      StorageKeyGrant live = await(grants.get(creds.accessKeyId())).orElseThrow();
      StorageKeyGrant expired = new StorageKeyGrant(live.cameraId(), live.secretAccessKey(), live.bucket(),
          live.prefix(), System.currentTimeMillis() - 1000);
      await(grants.put(creds.accessKeyId(), expired, 60_000));
      String key = TestCamera.segmentKey(id);
      assertPutRefusedAndNothingWritten(creds, bucket, key);
    }
  }

  /** Rotating the secret and deleting the camera both revoke the keys it holds. */
  @ParameterizedTest(name = "revoked by {0}")
  @CsvSource({
      "rotation, rotated, r-1, POST, /secret, 200",
      "delete, deleted, x-1, DELETE, '', 204"})
  void put_withKeyRevokedByAdminCall_is403(String revocation, String idPrefix, String requestId, String method,
      String pathSuffix, int expectedStatus) {
    String id = newCameraId(idPrefix);
    try (TestCamera cam = registeredCamera(id)) {
      CredentialResponse creds = cam.requestCredentials(requestId);
      String path = "/api/v1/cameras/" + id + pathSuffix;
      assertEquals(expectedStatus, await(svc.admin(HttpMethod.valueOf(method), path).send()).statusCode(), revocation);
      assertPutRefusedAndNothingWritten(creds, bucket, TestCamera.segmentKey(id));
    }
  }

  @Test
  void put_toAnotherCamerasPrefix_is403_andNothingWritten() {
    String id = newCameraId("own");
    String other = newCameraId("other");
    try (TestCamera cam = registeredCamera(id)) {
      assertPutRefusedAndNothingWritten(cam.requestCredentials("o-1"), bucket, other + "/x.ts");
    }
  }

  @Test
  void put_withDotDotOutOfOwnPrefix_is403_andNothingWritten() {
    String id = newCameraId("dots");
    String other = newCameraId("other");
    try (TestCamera cam = registeredCamera(id)) {
      CredentialResponse creds = cam.requestCredentials("d-1");
      assertPutDenied(creds, bucket, id + "/../" + other + "/x.ts");
      assertNotWritten(bucket, other + "/x.ts");
      assertNotWritten(bucket, id + "/../" + other + "/x.ts");
    }
  }

  @Test
  void put_toAnotherBucket_is403_andNothingWritten() {
    String id = newCameraId("bucket");
    try (TestCamera cam = registeredCamera(id)) {
      CredentialResponse creds = cam.requestCredentials("b-1");
      String key = TestCamera.segmentKey(id);
      assertPutRefusedAndNothingWritten(creds, OTHER_BUCKET, key);
    }
  }

  @Test
  void get_withCameraKeys_is403() {
    String id = newCameraId("reader");
    try (TestCamera cam = registeredCamera(id)) {
      CredentialResponse creds = cam.requestCredentials("g-1");
      String key = TestCamera.segmentKey(id);
      TestCamera.put(creds, bucket, key);
      try (S3Client s3 = TestCamera.s3(creds)) {
        assertDenied(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
      }
    }
  }

  @Test
  void list_withCameraKeys_is403() {
    String id = newCameraId("lister");
    try (TestCamera cam = registeredCamera(id)) {
      CredentialResponse creds = cam.requestCredentials("l-1");
      try (S3Client s3 = TestCamera.s3(creds)) {
        assertDenied(() -> s3.listObjectsV2(b -> b.bucket(bucket).prefix(id + "/")));
      }
    }
  }

  private static TestCamera registeredCamera(String id) {
    return TestCamera.connect(svc, id, svc.register(id).getString("secret"));
  }

  private static void assertConnectRefused(String id, String secret) {
    MqttClient client = TestCamera.client(svc, id, secret);
    Throwable refused = await(client.connect(svc.stack.broker().port(), svc.stack.broker().host())
        .transform(ar -> Future.succeededFuture(ar.cause())));
    assertInstanceOf(MqttConnectionException.class, refused);
    assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
        ((MqttConnectionException) refused).code());
  }

  private static void assertPutRefusedAndNothingWritten(CredentialResponse creds, String bucketName, String key) {
    assertPutDenied(creds, bucketName, key);
    assertNotWritten(bucketName, key);
  }

  /** A segment-sized body (the SDK sends it with Expect: 100-continue): the camera sees the 403, never a cut. */
  private static void assertPutDenied(CredentialResponse creds, String bucketName, String key) {
    try (S3Client s3 = TestCamera.s3(creds)) {
      assertDenied(() -> s3.putObject(b -> b.bucket(bucketName).key(key), RequestBody.fromBytes(SEGMENT)));
    }
  }

  private static void assertNotWritten(String bucketName, String key) {
    S3Refusal.assertNotWritten(root, bucketName, key);
  }

  private static void assertNoResponse(TestCamera cam, String requestId) {
    assertTrue(cam.received.stream().noneMatch(m -> m[1].contains("\"" + requestId + "\"")),
        "a response to " + requestId + " reached " + cam.id);
  }

  private static void assertAudited(String id, String action, String outcome, String reason) {
    TestService.awaitCondition(action + " " + outcome + " " + reason + " audited for " + id, () -> svc.db
        .preparedQuery("SELECT count(*) FROM credential.audit WHERE camera_id = $1 AND action = $2 AND outcome = $3 "
            + "AND reason LIKE $4")
        .execute(Tuple.of(id, action, outcome, reason + "%"))
        .map(rows -> rows.iterator().next().getLong(0) > 0));
  }

  private static void assertNothingIssued(String id) {
    assertIssuedCount(id, 0);
  }

  private static void assertIssuedCount(String id, long n) {
    long issued = await(svc.db.preparedQuery("SELECT count(*) FROM credential.audit WHERE camera_id = $1 "
            + "AND action = 'credentials.issue' AND outcome = 'ok'").execute(Tuple.of(id)))
        .iterator().next().getLong(0);
    assertEquals(n, issued, "credentials issued to " + id);
  }
}
