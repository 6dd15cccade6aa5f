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
  private static final Map<String, String> KEYS =
      Map.of("IPCHLS_S3_ACCESSKEYID", "root", "IPCHLS_S3_SECRETACCESSKEY", "topsecret");

  @Test
  void defaults_areTheDocumentedOnes() {
    PlaylistConfig c = PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS));
    assertEquals(8080, c.http().port());
    assertEquals(6, c.liveWindowSegments());
    assertEquals(120, c.liveLookbackSeconds());
    assertEquals(3600, c.presignSeconds());
    assertEquals(24, c.maxReplayHours());
    assertTrue(c.s3().pathStyle());
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
  void missingS3Key_namesTheSetting() {
    var e = assertThrows(ConfigException.class,
        () -> PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, Map.of())));
    assertTrue(e.getMessage().contains("s3.accessKeyId"), e.getMessage());
  }

  @Test
  void toString_hidesSecrets() {
    PlaylistConfig c = PlaylistConfig.fromJson(ConfigLoader.load(PlaylistConfig.defaults(), null, KEYS));
    assertFalse(c.toString().contains("topsecret"), c.toString());
  }
}
