package io.ipchls.credential;

import static io.ipchls.credential.TestService.await;
import static io.ipchls.credential.TestService.newCameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.protocol.CredentialResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code sts} issuer against a local STS stand-in ({@link StsStandIn}; AWS STS cannot run here): credential-service
 * serves MQTT credential requests by AssumeRole through the AWS SDK, and the stand-in checks the request's shape.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StsIssuerStandInTest {
  private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/ipchls-camera-upload";
  private static final String SERVICE_KEY_ID = "AKIASERVICEKEY000001";
  private static StsStandIn sts;
  private static TestService svc;
  private static AnyCameraClient camera;

  @BeforeAll
  static void deploy(Vertx vertx) {
    sts = new StsStandIn(vertx, SERVICE_KEY_ID);
    svc = TestService.deploy(vertx, new JsonObject().put("issuer", "sts").put("sts", new JsonObject()
        .put("endpoint", sts.endpoint()).put("region", "eu-central-1").put("roleArn", ROLE_ARN)
        .put("accessKeyId", SERVICE_KEY_ID).put("secretAccessKey", "service-secret-key")));
    camera = new AnyCameraClient(svc, "sts-test-client");
  }

  @AfterAll
  static void stop() {
    camera.close();
    sts.close();
  }

  @Test
  void stsStandIn_assumeRoleWithPrefixOnlyPutPolicy_andCameraGetsTheSessionCredentials() {
    String id = newCameraId("sts");
    registerWithPrefix(id, "site-1/" + id);
    CredentialResponse r = camera.request(id, "s-1");
    assertNull(r.error());
    assertEquals(StsStandIn.ACCESS_KEY_ID, r.accessKeyId());
    assertEquals(StsStandIn.SECRET_ACCESS_KEY, r.secretAccessKey());
    assertEquals(StsStandIn.SESSION_TOKEN, r.sessionToken());
    assertEquals("site-1/" + id, r.prefix());
    assertEquals(svc.stack.s3().bucket(), r.bucket());
    long lifetime = r.expiration() - System.currentTimeMillis();
    assertTrue(lifetime > 3_500_000 && lifetime <= 3_600_000, "lifetime " + lifetime);

    StsStandIn.Call call = callFor(id);
    assertEquals(ROLE_ARN, call.form().get("RoleArn"));
    assertEquals("ipchls-" + id, call.form().get("RoleSessionName"));
    assertEquals("3600", call.form().get("DurationSeconds"));
    assertTrue(call.authorization().contains("/eu-central-1/sts/aws4_request"), call.authorization());
    JsonObject policy = new JsonObject(call.form().get("Policy"));
    // PutObject (and the tagging S3 requires for x-amz-tagging) under the prefix only, in a plan's storage class,
    // with the plan's tags only (issue 19 item 4)
    assertEquals(new JsonObject().put("Version", "2012-10-17").put("Statement", new JsonArray().add(new JsonObject()
        .put("Effect", "Allow").put("Action", new JsonArray().add("s3:PutObject").add("s3:PutObjectTagging"))
        .put("Resource", "arn:aws:s3:::" + svc.stack.s3().bucket() + "/site-1/" + id + "/*")
        .put("Condition", new JsonObject()
            .put("StringEqualsIfExists", new JsonObject()
                .put("s3:x-amz-storage-class", new JsonArray().add("STANDARD").add("STANDARD_IA").add("GLACIER_IR"))
                .put("s3:RequestObjectTag/ipchls-plan", new JsonArray().add("standard").add("infrequent")
                    .add("archive"))
                .put("s3:RequestObjectTag/ipchls-kind", new JsonArray().add("segment").add("init").add("thumb")))
            .put("ForAllValues:StringEquals", new JsonObject()
                .put("s3:RequestObjectTagKeys", new JsonArray().add("ipchls-plan").add("ipchls-kind")))))), policy);
    assertTrue(sts.rejected.isEmpty(), "stand-in rejected: " + sts.rejected);
  }

  @Test
  void stsStandIn_refusesAssumeRole_cameraGetsError_andRefusalIsAudited() {
    String id = newCameraId("denied");
    svc.register(id);
    CredentialResponse r = camera.request(id, "d-1");
    assertNotNull(r.error());
    assertNull(r.accessKeyId());
    TestService.awaitCondition("refusal audited", () -> svc.db.preparedQuery("SELECT count(*) FROM credential.audit "
            + "WHERE camera_id = $1 AND action = 'credentials.issue' AND outcome = 'refused'")
        .execute(Tuple.of(id)).map(rows -> rows.iterator().next().getLong(0) == 1));
  }

  @Test
  void stsStandIn_prefixWithPolicyWildcard_isRefusedBeforeAnyStsCall() {
    String id = newCameraId("wild");
    registerWithPrefix(id, "site*");
    CredentialResponse r = camera.request(id, "w-1");
    assertNotNull(r.error());
    assertTrue(sts.calls.stream().noneMatch(c -> c.form().get("RoleSessionName").equals("ipchls-" + id)));
  }

  private static void registerWithPrefix(String id, String prefix) {
    var created = await(svc.admin(HttpMethod.POST, "/api/v1/cameras").sendJsonObject(new JsonObject().put("id", id)
        .put("prefix", prefix)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
  }

  private static StsStandIn.Call callFor(String id) {
    return sts.calls.stream().filter(c -> c.form().get("RoleSessionName").equals("ipchls-" + id)).findFirst()
        .orElseThrow(() -> new AssertionError("no AssumeRole for " + id + "; rejected: " + sts.rejected));
  }
}
