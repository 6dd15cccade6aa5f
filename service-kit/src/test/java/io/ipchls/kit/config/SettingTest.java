package io.ipchls.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.protocol.StorageDefaults;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingTest {
  private static final IntSetting DAYS = IntSetting.named("retentionDays").byDefault(7).atLeast(1).atMost(36_500);

  @Test
  void read_absentKey_givesTheDeclaredDefault() {
    assertEquals(7, DAYS.read(Settings.root(new JsonObject())));
  }

  @Test
  void read_environmentString_isParsed_evenForAKeyTheDefaultsDoNotSpell() {
    JsonObject json = ConfigLoader.load(new JsonObject(), null, Map.of("IPCHLS_RETENTIONDAYS", "9"));
    assertEquals(9, DAYS.read(Settings.root(json)));
  }

  @Test
  void read_outOfBounds_failsNamingTheSettingAndItsBounds() {
    var e = assertThrows(ConfigException.class,
        () -> DAYS.read(Settings.root(new JsonObject().put("retentionDays", 0))));
    assertEquals("bad configuration: retentionDays: must be in [1, 36500], got 0", e.getMessage());
  }

  @Test
  void read_inASection_namesTheFullSetting() {
    Settings callbacks = Settings.root(new JsonObject().put("callbacks", new JsonObject().put("pollMillis", 1)))
        .section("callbacks");
    var e = assertThrows(ConfigException.class,
        () -> LongSetting.named("pollMillis").byDefault(1000).atLeast(10).read(callbacks));
    assertTrue(e.getMessage().startsWith("bad configuration: callbacks.pollMillis: "), e.getMessage());
  }

  @Test
  void defaults_holdEachDeclaredDefaultUnderItsKey_unsetAsNull() {
    JsonObject json = Setting.defaults(DAYS, BoolSetting.named("verifyObjects"), StringSetting.named("adminToken"));
    assertEquals(7, json.getInteger("retentionDays"));
    assertFalse(json.getBoolean("verifyObjects"));
    assertTrue(json.containsKey("adminToken"));
    assertNull(json.getValue("adminToken"));
  }

  @Test
  void sections_stateTheDefaultsTheyRead() {
    S3Config s3 = S3Config.from(Settings.root(S3Config.defaults()), /* keyPairRequired= */ false);
    assertEquals(StorageDefaults.REGION, s3.region());
    assertEquals(StorageDefaults.BUCKET, s3.bucket());
    DbConfig db = DbConfig.from(Settings.root(DbConfig.defaults()));
    assertEquals(DbConfig.from(Settings.root(new JsonObject())), db);
    assertEquals(5432, db.port());
    MqttConfig mqtt = MqttConfig.from(Settings.root(MqttConfig.defaults("ingest").put("password", "pw")));
    assertEquals(new MqttConfig("127.0.0.1", 1883, /* ssl= */ false, "ingest", "pw"), mqtt);
    assertEquals(new HttpConfig("127.0.0.1", 8080), HttpConfig.from(Settings.root(HttpConfig.defaults(8080)), 8080));
  }
}
