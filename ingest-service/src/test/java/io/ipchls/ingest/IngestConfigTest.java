package io.ipchls.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
  private static JsonObject minimal() {
    JsonObject json = IngestConfig.defaults();
    json.getJsonObject("mqtt").put("password", "pw");
    return json;
  }

  @Test
  void defaults_areThoseDocumented() {
    IngestConfig c = IngestConfig.fromJson(minimal());
    assertEquals(8082, c.http().port());
    assertEquals(300, c.indexing().maxFutureSkewSeconds());
    assertEquals(7, c.retention().defaultRetentionDays());
    assertEquals(500, c.indexing().batchMaxSize());
    assertEquals(20, c.indexing().batchLingerMs());
    assertEquals(2, c.indexing().writeConcurrency());
    assertEquals(4, c.indexing().mqttConnections());
    assertEquals(180, c.indexing().gapRule().gapSeconds());
    assertFalse(c.indexing().verifyObjects());
    assertTrue(c.mqttClientId().startsWith("ingest-"));
  }

  @Test
  void subDomainSettings_comeFromTheSameFlatKeys_andPrintBackToThem() {
    JsonObject json = minimal().put("maxFutureSkewSeconds", 30).put("retentionDays", 9)
        .put("recordingGapSeconds", 60).put("sweepIntervalSeconds", 600).put("controlIntervalSeconds", 7)
        .put("settleSeconds", 3).put("playlistBaseUrl", "https://video.example.com/");
    IngestConfig c = IngestConfig.fromJson(json);
    assertEquals(30, c.indexing().maxFutureSkewSeconds());
    assertEquals(9, c.indexing().defaultRetentionDays());
    assertEquals(9, c.retention().defaultRetentionDays());
    assertEquals(60, c.indexing().gapRule().gapSeconds());
    assertEquals(c.indexing().gapRule(), c.control().gapRule(), "one gap rule for indexing and recording control");
    assertEquals(600, c.retention().sweepIntervalSeconds());
    assertEquals(7, c.control().intervalSeconds());
    assertEquals(3, c.control().settleSeconds());
    assertEquals("https://video.example.com", c.control().playlistBaseUrl());
    assertEquals(c.mqttClientId(), c.indexing().mqttClientId());
    assertEquals(c.mqttClientId(), c.control().mqttClientId());
    var keys = new java.util.HashSet<>(IngestConfig.defaults().fieldNames());
    keys.remove("adminToken"); // only its digest is kept, never printed
    assertEquals(keys, c.toJson().fieldNames());
    assertEquals(c, IngestConfig.fromJson(c.toJson()));
  }

  @Test
  void batchLinger_outsideItsRange_namesTheSetting() {
    for (int bad : new int[] {-1, 1001}) {
      var e = assertThrows(ConfigException.class,
          () -> IngestConfig.fromJson(minimal().put("batchLingerMs", bad)));
      assertTrue(e.getMessage().contains("batchLingerMs"), e.getMessage());
    }
    assertEquals(0, IngestConfig.fromJson(minimal().put("batchLingerMs", 0)).indexing().batchLingerMs());
  }

  @Test
  void environment_overridesFile() {
    JsonObject json = ConfigLoader.load(minimal(), null,
        Map.of("IPCHLS_RETENTIONDAYS", "30", "IPCHLS_INSTANCEID", "node-2", "IPCHLS_HTTP_PORT", "9000"));
    IngestConfig c = IngestConfig.fromJson(json);
    assertEquals(30, c.retention().defaultRetentionDays());
    assertEquals("ingest-node-2", c.mqttClientId());
    assertEquals(9000, c.http().port());
  }

  @Test
  void adminToken_keptOnlyAsItsDigest_andNeverPrinted() {
    IngestConfig none = IngestConfig.fromJson(minimal());
    assertEquals(null, none.adminTokenSha256());
    IngestConfig c = IngestConfig.fromJson(minimal().put("adminToken", "an-admin-token-long-enough"));
    assertEquals(io.ipchls.kit.crypto.Sha256.hex("an-admin-token-long-enough"), c.adminTokenSha256());
    assertFalse(c.toString().contains("an-admin-token-long-enough"));
    assertFalse(c.toString().contains(c.adminTokenSha256()));
  }

  @Test
  void shortAdminToken_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(minimal().put("adminToken", "short")));
    assertTrue(e.getMessage().contains("adminToken"), e.getMessage());
  }

  @Test
  void missingMqttPassword_namesTheSetting() {
    JsonObject json = IngestConfig.defaults();
    var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(json));
    assertTrue(e.getMessage().contains("mqtt.password"), e.getMessage());
  }

  @Test
  void zeroRetention_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(minimal().put("retentionDays", 0)));
    assertTrue(e.getMessage().contains("retentionDays"), e.getMessage());
  }

  @Test
  void negativeSkew_namesTheSetting() {
    var e = assertThrows(ConfigException.class,
        () -> IngestConfig.fromJson(minimal().put("maxFutureSkewSeconds", "-1")));
    assertTrue(e.getMessage().contains("maxFutureSkewSeconds"), e.getMessage());
  }

  @Test
  void verifyObjectsWithoutS3Key_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(minimal().put("verifyObjects", true)));
    assertTrue(e.getMessage().contains("s3.accessKeyId"), e.getMessage());
  }

  @Test
  void zeroRecordingGap_namesTheSetting() {
    var e = assertThrows(ConfigException.class,
        () -> IngestConfig.fromJson(minimal().put("recordingGapSeconds", 0)));
    assertTrue(e.getMessage().contains("recordingGapSeconds"), e.getMessage());
  }

  @Test
  void withoutS3Key_retentionIsOff_withOne_on() {
    assertFalse(IngestConfig.fromJson(minimal()).s3Enabled());
    JsonObject json = minimal();
    json.getJsonObject("s3").put("accessKeyId", "id").put("secretAccessKey", "secret");
    assertTrue(IngestConfig.fromJson(json).s3Enabled());
  }

  @Test
  void instanceIdWithSlash_namesTheSetting() {
    var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(minimal().put("instanceId", "a/b")));
    assertTrue(e.getMessage().contains("instanceId"), e.getMessage());
  }

  @Test
  void toString_hidesPasswords() {
    JsonObject json = minimal();
    json.getJsonObject("db").put("password", "db-secret");
    json.getJsonObject("mqtt").put("password", "mqtt-secret");
    json.getJsonObject("s3").put("accessKeyId", "id").put("secretAccessKey", "s3-secret");
    String s = IngestConfig.fromJson(json).toString();
    assertFalse(s.contains("db-secret") || s.contains("mqtt-secret") || s.contains("s3-secret"), s);
  }
}
