package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialService;
import io.ipchls.infra.LocalStack;
import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./ipc-hls camera ...} against a running credential-service on the shared embedded stack. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CameraCommandTest {
  private static final String TOKEN = "camera-cli-admin-token-0123";
  private static String url;


  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    LocalStack stack = LocalStack.sharedForTests();
    int port = LocalSystem.freeIfZero(0);
    var pg = stack.postgres();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("db", pg.dbSection())
        .put("mqtt", stack.broker().mqttSection("svc-credential", "pw"))
        .put("s3", new JsonObject().put("endpoint", stack.s3().endpoint().toString())
            .put("bucket", stack.s3().bucket()))
        .put("adminToken", TOKEN)
        .put("serviceAccounts", new JsonObject().put("svc-credential", Sha256.hex("pw")));
    LocalSystem.await(CredentialService.deploy(vertx, CredentialConfig.fromJson(config)));
    url = "http://127.0.0.1:" + port;
  }

  @Test
  void add_printsTheSecretOnce_andGetShowsTheCameraWithoutIt() {
    String id = newId("add");
    CliRun added = camera("add", id, "--prefix", "site-1/" + id);
    assertEquals(0, added.exit(), added.err());
    assertEquals(id, added.json().getString("id"));
    assertEquals("site-1/" + id, added.json().getString("prefix"));
    String secret = added.json().getString("secret");
    assertEquals(43, secret.length());

    CliRun got = camera("get", id);
    assertEquals(0, got.exit(), got.err());
    assertEquals(id, got.json().getString("id"));
    assertTrue(got.json().getBoolean("enabled"));
    assertFalse(got.out().contains(secret));
  }

  @Test
  void add_existingId_exits1WithTheApiMessage() {
    String id = newId("dup");
    camera("add", id);
    CliRun again = camera("add", id);
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("409") && again.err().contains("already exists"), again.err());
  }

  @Test
  void list_pagesInIdOrder() {
    String base = newId("page");
    for (String s : List.of("a", "b", "c")) camera("add", base + "-" + s);
    CliRun first = camera("list", "--limit", "2", "--after", base);
    assertEquals(0, first.exit(), first.err());
    assertEquals(List.of(base + "-a", base + "-b"), ids(first.json().getJsonArray("cameras")));
    CliRun second = camera("list", "--limit", "2", "--after", first.json().getString("next"));
    assertEquals(base + "-c", second.json().getJsonArray("cameras").getJsonObject(0).getString("id"));
  }

  @Test
  void disable_thenEnable_changesTheRegistry() {
    String id = newId("toggle");
    camera("add", id);
    assertFalse(camera("disable", id).json().getBoolean("enabled"));
    assertFalse(camera("get", id).json().getBoolean("enabled"));
    assertTrue(camera("enable", id).json().getBoolean("enabled"));
    assertTrue(camera("get", id).json().getBoolean("enabled"));
  }

  @Test
  void rotateSecret_printsANewSecret() {
    String id = newId("rotate");
    String old = camera("add", id).json().getString("secret");
    CliRun rotated = camera("rotate-secret", id);
    assertEquals(0, rotated.exit(), rotated.err());
    assertNotEquals(old, rotated.json().getString("secret"));
  }

  @Test
  void delete_removesTheCamera_thenGetExits1NotFound() {
    String id = newId("delete");
    camera("add", id);
    assertEquals(0, camera("delete", id).exit());
    CliRun got = camera("get", id);
    assertEquals(1, got.exit());
    assertTrue(got.err().contains("404"), got.err());
  }

  @Test
  void wrongToken_exits1Unauthorized() {
    CliRun r = CliRun.of("camera", "list", "--url", url, "--token", "not-the-admin-token-at-all");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("401"), r.err());
  }

  @Test
  void tokenDefaultsToTheDemosSecretsFile(@TempDir Path data) throws Exception {
    Files.writeString(data.resolve("secrets.json"), new JsonObject().put("adminToken", TOKEN).encode());
    CliRun r = CliRun.of("camera", "list", "--limit", "1", "--url", url, "--data-dir", data.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.json().containsKey("cameras"));
  }

  @Test
  void noTokenAndNoSecretsFile_exits1NamingTheWaysToGiveOne(@TempDir Path empty) {
    CliRun r = CliRun.of("camera", "list", "--url", url, "--data-dir", empty.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("--token") && r.err().contains("secrets.json"), r.err());
  }

  @Test
  void badCameraId_isAUsageError_beforeAnyCall() {
    CliRun r = camera("get", "../cameras?limit=1");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("camera id must match"), r.err());
  }

  @Test
  void unreachableService_exits1NamingTheUrl() throws Exception {
    String nowhere = "http://127.0.0.1:" + LocalSystem.freeIfZero(0);
    CliRun r = CliRun.of("camera", "list", "--url", nowhere, "--token", TOKEN);
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("cannot reach credential-service at " + nowhere), r.err());
  }

  private static CliRun camera(String sub, String... args) {
    List<String> all = new ArrayList<>(List.of("camera", sub));
    all.addAll(List.of(args));
    all.addAll(List.of("--url", url, "--token", TOKEN));
    return CliRun.of(all.toArray(String[]::new));
  }


  private static String newId(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<String> ids(JsonArray cameras) {
    List<String> out = new ArrayList<>();
    cameras.forEach(c -> out.add(((JsonObject) c).getString("id")));
    return out;
  }
}
