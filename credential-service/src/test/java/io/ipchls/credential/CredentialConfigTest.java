package io.ipchls.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.ConfigLoader;
import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CredentialConfigTest {
  private static final String HASH = "a".repeat(64);

  private static JsonObject valid() {
    return ConfigLoader.load(CredentialConfig.defaults(), null, Map.of())
        .put("mqtt", new JsonObject().put("username", "credential-svc").put("password", "pw"))
        .put("s3", new JsonObject().put("bucket", "b").put("endpoint", "http://127.0.0.1:9000"))
        .put("adminToken", "an-admin-token-long-enough")
        .put("serviceAccounts", new JsonObject().put("credential-svc", HASH));
  }

  @Test
  void defaults_areApplied() {
    CredentialConfig c = CredentialConfig.fromJson(valid());
    assertEquals(8081, c.http().port());
    assertEquals(3600, c.credentialLifetimeSeconds());
    assertEquals("http://127.0.0.1:9000", c.cameraEndpoint());
    assertEquals(Map.of("credential-svc", HASH), c.serviceAccounts());
  }

  @Test
  void env_overridesLifetimeAndToken() {
    JsonObject json = ConfigLoader.load(valid(), null,
        Map.of("IPCHLS_CREDENTIALLIFETIMESECONDS", "900", "IPCHLS_ADMINTOKEN", "another-admin-token-123"));
    CredentialConfig c = CredentialConfig.fromJson(json);
    assertEquals(900, c.credentialLifetimeSeconds());
    assertEquals(Sha256.hex("another-admin-token-123"), c.adminTokenSha256());
  }

  @Test
  void missingAdminToken_namesTheSetting() {
    JsonObject json = valid();
    json.remove("adminToken");
    assertTrue(assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(json)).getMessage()
        .contains("adminToken"));
  }

  @Test
  void shortAdminToken_isRefused() {
    assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(valid().put("adminToken", "short")));
  }

  @Test
  void lifetimeOutOfRange_namesTheSetting() {
    var e = assertThrows(ConfigException.class,
        () -> CredentialConfig.fromJson(valid().put("credentialLifetimeSeconds", 60)));
    assertTrue(e.getMessage().contains("credentialLifetimeSeconds"));
  }

  @Test
  void serviceAccountWithoutHexHash_namesTheAccount() {
    var e = assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(
        valid().put("serviceAccounts", new JsonObject().put("ingest", "plain-password"))));
    assertTrue(e.getMessage().contains("serviceAccounts.ingest"));
  }

  @Test
  void authAndRateLimitDefaults_areApplied() {
    CredentialConfig c = CredentialConfig.fromJson(valid());
    assertEquals(CredentialConfig.Issuer.EMBEDDED, c.issuer());
    assertEquals(new CredentialConfig.AuthSettings(/* bcryptCost= */ 8, /* cacheTtlSeconds= */ 900, null), c.auth());
    assertEquals(new CredentialConfig.AuditSettings(/* retentionDays= */ 90, /* sweepIntervalSeconds= */ 3600,
        /* refusalIntervalSeconds= */ 60), c.audit());
    assertEquals(new CredentialConfig.RateLimit(/* burst= */ 5, /* refillSeconds= */ 60), c.rateLimit());
  }

  @Test
  void unknownIssuer_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(valid().put("issuer", "vault")));
    assertTrue(e.getMessage().contains("issuer"), e.getMessage());
  }

  @Test
  void stsIssuerWithoutRoleArn_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(valid().put("issuer", "sts")
        .put("sts", new JsonObject().put("accessKeyId", "AKIA").put("secretAccessKey", "secret"))));
    assertTrue(e.getMessage().contains("sts.roleArn"), e.getMessage());
  }

  @Test
  void stsIssuerWithoutAnyKeyPair_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(valid().put("issuer", "sts")
        .put("sts", new JsonObject().put("roleArn", "arn:aws:iam::1:role/r"))));
    assertTrue(e.getMessage().contains("sts.accessKeyId"), e.getMessage());
  }

  @Test
  void stsIssuer_usesTheS3KeyPairByDefault_andNeverPrintsIt() {
    CredentialConfig c = CredentialConfig.fromJson(valid().put("issuer", "sts")
        .put("s3", new JsonObject().put("bucket", "b").put("accessKeyId", "AKIAS3").put("secretAccessKey", "s3-sec"))
        .put("sts", new JsonObject().put("roleArn", "arn:aws:iam::1:role/r")));
    assertEquals("AKIAS3", c.sts().accessKeyId());
    assertEquals("s3-sec", c.sts().secretAccessKey());
    assertFalse(c.toString().contains("s3-sec"));
  }

  @Test
  void bcryptCostOutOfRange_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(
        valid().put("auth", new JsonObject().put("bcryptCost", 3))));
    assertTrue(e.getMessage().contains("auth.bcryptCost"), e.getMessage());
  }

  @Test
  void shortBrokerHookSecret_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(
        valid().put("auth", new JsonObject().put("brokerHookSecret", "short"))));
    assertTrue(e.getMessage().contains("auth.brokerHookSecret"), e.getMessage());
  }

  @Test
  void zeroRateLimitBurst_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> CredentialConfig.fromJson(
        valid().put("rateLimit", new JsonObject().put("burst", 0))));
    assertTrue(e.getMessage().contains("rateLimit.burst"), e.getMessage());
  }

  @Test
  void toString_holdsNoSecrets() {
    String s = CredentialConfig.fromJson(valid()).toString();
    assertFalse(s.contains("an-admin-token-long-enough"));
    assertFalse(s.contains(HASH));
    assertFalse(s.contains("pw]"));
  }
}
