package io.ipchls.kit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.kit.config.ConfigException;
import io.ipchls.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSealTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String SECRET_B64 = Base64.getEncoder().encodeToString(SECRET);
  private final ClusterSeal seal = new ClusterSeal(SECRET);

  @Test
  void sealedValue_opensForItsPurpose_andHidesItsText() {
    String sealed = seal.seal("map\nkey-1", "camera-secret-XYZ");
    assertTrue(sealed.startsWith("s1."), sealed);
    assertFalse(sealed.contains("camera-secret-XYZ"));
    assertEquals("camera-secret-XYZ", seal.open("map\nkey-1", sealed));
    assertNotEquals(sealed, seal.seal("map\nkey-1", "camera-secret-XYZ"), "a fresh nonce per value");
    assertEquals("", seal.open("p", seal.seal("p", "")));
  }

  @Test
  void sealedValue_doesNotOpen_forAnotherPurpose_secret_orAfterAChange() {
    String sealed = seal.seal("map\nkey-1", "camera-secret-XYZ");
    assertThrows(ClusterSeal.SealException.class, () -> seal.open("map\nkey-2", sealed));
    ClusterSeal other = new ClusterSeal("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
    assertThrows(ClusterSeal.SealException.class, () -> other.open("map\nkey-1", sealed));
    char[] c = sealed.toCharArray();
    c[10] = c[10] == 'A' ? 'B' : 'A';
    assertThrows(ClusterSeal.SealException.class, () -> seal.open("map\nkey-1", new String(c)));
    for (String bad : new String[] {null, "", "camera-secret-XYZ", "s1.", "s1.!!!", "s1.AAAA"}) {
      assertThrows(ClusterSeal.SealException.class, () -> seal.open("map\nkey-1", bad), String.valueOf(bad));
    }
  }

  @Test
  void shortSecret_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ClusterSeal(new byte[31]));
  }

  @Test
  void clusterOfSeveralProcesses_needsASecret_andTheConfigNeverPrintsIt() {
    ConfigException missing = assertThrows(ConfigException.class, () -> ClusterConfig.from(Settings.root(
        new JsonObject().put("cluster", new JsonObject().put("members", "10.0.0.1,10.0.0.2"))).section("cluster")));
    assertTrue(missing.getMessage().contains("cluster.secret"), missing.getMessage());
    ConfigException kubernetes = assertThrows(ConfigException.class, () -> ClusterConfig.from(Settings.root(
        new JsonObject().put("cluster", new JsonObject().put("join", "kubernetes")
            .put("kubernetes", new JsonObject().put("serviceDns", "x.svc")))).section("cluster")));
    assertTrue(kubernetes.getMessage().contains("cluster.secret"), kubernetes.getMessage());
    ConfigException tooShort = assertThrows(ConfigException.class, () -> new ClusterConfig("c", "127.0.0.1", 5701,
        List.of("a", "b"), Base64.getEncoder().encodeToString(new byte[16])));
    assertTrue(tooShort.getMessage().contains("at least 32 bytes"), tooShort.getMessage());
    assertThrows(ConfigException.class, () -> new ClusterConfig("c", "127.0.0.1", 5701, List.of("a"), "not base64!"));

    ClusterConfig single = ClusterConfig.from(Settings.root(new JsonObject()).section("cluster"));
    assertEquals(ClusterSeal.processLocal(), single.seal(), "one process without a secret seals with its own");
    ClusterConfig shared = ClusterConfig.from(Settings.root(new JsonObject().put("cluster", new JsonObject()
        .put("members", "10.0.0.1,10.0.0.2").put("secret", SECRET_B64))).section("cluster"));
    assertFalse(shared.toString().contains(SECRET_B64), shared.toString());
    assertEquals("v", new ClusterSeal(SECRET).open("p", shared.seal().seal("p", "v")), "members share the key");
  }
}
