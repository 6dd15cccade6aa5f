package io.ipchls.playlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaylistConfigTest {
  private static final Map<String, String> KEYS = Map.of("IPCHLS_S3_ACCESSKEYID", "root",
      "IPCHLS_S3_SECRETACCESSKEY", "topsecret", "IPCHLS_VIEWER_JWTSECRET", "jwt-secret-0123456789abcdef0123456789");

  @Test
  void defaults_areTheDocumentedOnes() {
    PlaylistConfig c = PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS));
    assertEquals(8080, c.http().port());
    assertEquals(6, c.liveWindowSegments());
    assertEquals(120, c.liveLookbackSeconds());
    assertEquals(4, c.liveTargetDurationSeconds());
    assertEquals(3600, c.presignSeconds());
    assertEquals(24, c.maxReplayHours());
    assertEquals(PlaylistConfig.SegmentAccess.PRESIGNED, c.segmentAccess());
    assertFalse(c.viewer().open());
    assertEquals(null, c.adminTokenSha256());
    assertTrue(c.s3().pathStyle());
    assertEquals(CorsConfig.NONE, c.cors());
  }

  @Test
  void corsOrigins_fromTheEnvironment_normalized() {
    var env = new java.util.HashMap<>(KEYS);
    env.put("IPCHLS_CORS_ALLOWEDORIGINS", "https://Viewer.Example.com/, http://127.0.0.1:5173");
    CorsConfig cors = PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, env)).cors();
    assertEquals(java.util.Set.of("https://viewer.example.com", "http://127.0.0.1:5173"), cors.origins());
    assertTrue(cors.allows("http://127.0.0.1:5173"));
    assertFalse(cors.allows("http://127.0.0.1:5174"));
    assertTrue(CorsConfig.parse("*").allows("null"));
  }

  @Test
  void corsOriginWithAPathOrMixedWithStar_namesTheSetting() {
    for (String bad : java.util.List.of("https://viewer.example.com/app", "*, https://a.example", "viewer.example.com",
        "null")) {
      JsonObject json = ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS)
          .put("cors", new JsonObject().put("allowedOrigins", bad));
      var e = assertThrows(ConfigException.class, () -> PlaylistConfig.fromJson(json), bad);
      assertTrue(e.getMessage().contains("cors.allowedOrigins"), e.getMessage());
    }
  }

  @Test
  void viewerTokensOnWithoutSigningKey_namesTheSetting() {
    var env = Map.of("IPCHLS_S3_ACCESSKEYID", "root", "IPCHLS_S3_SECRETACCESSKEY", "topsecret");
    var e = assertThrows(ConfigException.class,
        () -> PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, env)));
    assertTrue(e.getMessage().contains("viewer.jwtSecret"), e.getMessage());
  }

  @Test
  void openViewerMode_needsNoSigningKey() {
    var env = Map.of("IPCHLS_S3_ACCESSKEYID", "root", "IPCHLS_S3_SECRETACCESSKEY", "topsecret",
        "IPCHLS_VIEWER_OPEN", "true");
    assertTrue(PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, env)).viewer().open());
  }

  @Test
  void unknownSegmentAccess_namesTheSetting() {
    JsonObject json = ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS).put("segmentAccess", "ftp");
    var e = assertThrows(ConfigException.class, () -> PlaylistConfig.fromJson(json));
    assertTrue(e.getMessage().contains("segmentAccess"), e.getMessage());
  }

  @Test
  void shortAdminToken_isRefused() {
    JsonObject json = ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS).put("adminToken", "short");
    var e = assertThrows(ConfigException.class, () -> PlaylistConfig.fromJson(json));
    assertTrue(e.getMessage().contains("adminToken"), e.getMessage());
  }

  @Test
  void environment_overridesNestedAndTopLevelSettings() {
    var env = new java.util.HashMap<>(KEYS);
    env.put("IPCHLS_LIVEWINDOWSEGMENTS", "10");
    env.put("IPCHLS_S3_PUBLICENDPOINT", "https://cdn.example.com");
    env.put("IPCHLS_HTTP_PORT", "9090");
    PlaylistConfig c = PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, env));
    assertEquals(10, c.liveWindowSegments());
    assertEquals("https://cdn.example.com", c.s3().publicEndpoint());
    assertEquals(9090, c.http().port());
  }

  @Test
  void badValue_namesTheSetting() {
    JsonObject json = ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS).put("presignSeconds", 10);
    var e = assertThrows(ConfigException.class, () -> PlaylistConfig.fromJson(json));
    assertTrue(e.getMessage().contains("presignSeconds"), e.getMessage());
  }

  @Test
  void liveTargetDurationAboveTheLongestSegment_namesTheSetting() {
    JsonObject json = ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS).put("liveTargetDurationSeconds", 61);
    var e = assertThrows(ConfigException.class, () -> PlaylistConfig.fromJson(json));
    assertTrue(e.getMessage().contains("liveTargetDurationSeconds"), e.getMessage());
  }

  @Test
  void liveTargetDurationZero_namesTheSetting() {
    JsonObject json = ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS).put("liveTargetDurationSeconds", 0);
    var e = assertThrows(ConfigException.class, () -> PlaylistConfig.fromJson(json));
    assertTrue(e.getMessage().contains("liveTargetDurationSeconds"), e.getMessage());
  }

  @Test
  void missingS3Key_namesTheSetting() {
    var e = assertThrows(ConfigException.class,
        () -> PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, Map.of())));
    assertTrue(e.getMessage().contains("s3.accessKeyId"), e.getMessage());
  }

  @Test
  void toString_hidesSecrets() {
    JsonObject json = ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS)
        .put("adminToken", "admin-token-0123456789abcdef0123456789");
    PlaylistConfig c = PlaylistConfig.fromJson(json);
    assertFalse(c.toString().contains("topsecret"), c.toString());
    assertFalse(c.toString().contains("jwt-secret"), c.toString());
    assertFalse(c.toString().contains("admin-token"), c.toString());
  }
}
