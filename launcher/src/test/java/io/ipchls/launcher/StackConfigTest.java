package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.kit.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StackConfigTest {
  @Test
  void credentialSection_defaultsToEmpty() {
    assertEquals(new JsonObject(), StackConfig.from(StackConfig.defaults()).credential());
  }

  @Test
  void credentialSection_isKept_andEnvOverridesIt() {
    JsonObject json = StackConfig.defaults().put("credential", new JsonObject().put("issuer", "sts")
        .put("auth", new JsonObject().put("brokerHookSecret", "from-the-config-file")));
    JsonObject loaded = ConfigLoader.load(json, null, Map.of("IPCHLS_CREDENTIAL_ISSUER", "embedded"));
    JsonObject credential = StackConfig.from(loaded).credential();
    assertEquals("embedded", credential.getString("issuer"));
    assertEquals("from-the-config-file", credential.getJsonObject("auth").getString("brokerHookSecret"));
  }

  @Test
  void playlistSection_letsAnyOriginPlayByDefault_andEnvNarrowsIt() {
    JsonObject cors = StackConfig.from(StackConfig.defaults()).playlist().getJsonObject("cors");
    assertEquals("*", cors.getString("allowedOrigins"));
    JsonObject loaded = ConfigLoader.load(StackConfig.defaults(), null,
        Map.of("IPCHLS_PLAYLIST_CORS_ALLOWEDORIGINS", "https://viewer.example.com"));
    assertEquals("https://viewer.example.com",
        StackConfig.from(loaded).playlist().getJsonObject("cors").getString("allowedOrigins"));
  }
}
