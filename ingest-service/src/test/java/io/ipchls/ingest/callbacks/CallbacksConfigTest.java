package io.ipchls.ingest.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestConfig;
import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallbacksConfigTest {
  private static JsonObject minimal() {
    JsonObject json = IngestConfig.defaults();
    json.getJsonObject("mqtt").put("password", "pw");
    return json;
  }

  @Test
  void defaults_haveNoWebhooksAndTheDocumentedSchedule() {
    CallbacksConfig c = IngestConfig.fromJson(minimal()).callbacks();
    assertFalse(c.webhooksEnabled());
    assertEquals(1000, c.pollMillis());
    assertEquals(12, c.maxAttempts());
    assertEquals(5000, c.backoffInitialMillis());
    assertEquals(3_600_000, c.backoffMaxMillis());
    assertEquals(5000, c.connectTimeoutMillis());
    assertEquals(10_000, c.responseTimeoutMillis());
    assertEquals(32, c.maxConcurrent());
    assertEquals(4, c.maxPerWebhook());
    assertEquals(30, c.retentionDays());
  }

  @Test
  void masterKey_fromTheEnvironment_turnsWebhooksOn_andIsNeverPrinted() {
    String key = "k".repeat(40);
    JsonObject json = ConfigLoader.load(minimal(), null, Map.of("IPCHLS_CALLBACKS_MASTERKEY", key));
    IngestConfig c = IngestConfig.fromJson(json);
    assertTrue(c.callbacks().webhooksEnabled());
    assertFalse(c.toString().contains(key));
    assertFalse(c.toJson().encode().contains(key));
  }

  @Test
  void masterKey_tooShort_stopsStartUp() {
    JsonObject json = minimal();
    json.getJsonObject("callbacks").put("masterKey", "short");
    var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(json));
    assertTrue(e.getMessage().contains("callbacks.masterKey"), e.getMessage());
  }

  @Test
  void allowedTargets_notCidrs_stopsStartUp() {
    for (String bad : java.util.List.of("localhost", "10.0.0.0/33", "10.0.0.0/x", "http://10.0.0.1/")) {
      JsonObject json = minimal();
      json.getJsonObject("callbacks").put("allowedTargets", "127.0.0.1/32," + bad);
      var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(json), bad);
      assertTrue(e.getMessage().contains("callbacks.allowedTargets"), e.getMessage());
    }
  }

  @Test
  void perWebhookAboveTotal_stopsStartUp() {
    JsonObject json = minimal();
    json.getJsonObject("callbacks").put("maxConcurrent", 2).put("maxPerWebhook", 3);
    var e = assertThrows(ConfigException.class, () -> IngestConfig.fromJson(json));
    assertTrue(e.getMessage().contains("callbacks.maxPerWebhook"), e.getMessage());
  }
}
