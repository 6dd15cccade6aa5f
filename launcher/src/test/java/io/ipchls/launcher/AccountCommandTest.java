package io.ipchls.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.credential.CredentialConfig;
import io.ipchls.credential.CredentialService;
import io.ipchls.infra.LocalStack;
import io.ipchls.kit.crypto.Sha256;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code ./ipc-hls account ...} and {@code camera ... --account} against a running credential-service. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccountCommandTest {
  private static final String TOKEN = "account-cli-admin-token-0123";
  private static String url;


  @BeforeAll
  static void deploy(Vertx vertx) throws Exception {
    LocalStack stack = LocalStack.sharedForTests();
    int port = LocalSystem.freeIfZero(0);
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("db", stack.postgres().dbSection())
        .put("mqtt", stack.broker().mqttSection("svc-credential-acct", "pw"))
        .put("s3", new JsonObject().put("endpoint", stack.s3().endpoint().toString())
            .put("bucket", stack.s3().bucket()))
        .put("adminToken", TOKEN)
        .put("serviceAccounts", new JsonObject().put("svc-credential-acct", Sha256.hex("pw")));
    LocalSystem.await(CredentialService.deploy(vertx, CredentialConfig.fromJson(config)));
    url = "http://127.0.0.1:" + port;
  }

  @Test
  void create_withQuota_printsTheAccount_andGetShowsIt() {
    String id = newId("site");
    CliRun created = cli("account", "create", id, "--name", "Site 1", "--quota-bytes", "1000000", "--quota-days", "30",
        "--quota-policy", "stop");
    assertEquals(0, created.exit(), created.err());
    assertEquals("Site 1", created.json().getString("displayName"));
    JsonObject quota = cli("account", "get", id).json().getJsonObject("quota");
    assertEquals(new JsonObject().put("bytes", 1_000_000L).put("days", 30).put("policy", "stop"), quota);
  }

  @Test
  void update_none_removesALimit() {
    String id = newId("upd");
    cli("account", "create", id, "--quota-bytes", "5000");
    CliRun r = cli("account", "update", id, "--quota-bytes", "none");
    assertEquals(0, r.exit(), r.err());
    assertNull(r.json().getJsonObject("quota").getValue("bytes"));
  }

  @Test
  void cameraAddWithAccount_listByAccount_setAccountNone_thenDelete() {
    String account = newId("own");
    String camera = newId("cam");
    assertEquals(0, cli("account", "create", account).exit());
    CliRun added = cli("camera", "add", camera, "--account", account);
    assertEquals(0, added.exit(), added.err());
    assertEquals(account, added.json().getString("account"));
    CliRun listed = cli("camera", "list", "--account", account);
    assertEquals(List.of(camera), ids(listed.json()));

    CliRun refused = cli("account", "delete", account);
    assertEquals(1, refused.exit());
    assertTrue(refused.err().contains("409") && refused.err().contains("cameras still belong"), refused.err());

    CliRun moved = cli("camera", "set-account", camera, "--none");
    assertEquals(0, moved.exit(), moved.err());
    assertNull(moved.json().getString("account"));
    assertEquals(0, cli("account", "delete", account).exit());
    assertEquals(1, cli("account", "get", account).exit());
  }

  @Test
  void adminToken_printsTheTokenOnce() {
    String id = newId("tok");
    cli("account", "create", id);
    CliRun r = cli("account", "admin-token", id);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.json().getString("token").startsWith("ipa_"), r.out());
  }

  @Test
  void badAccountId_isAUsageError_beforeAnyCall() {
    CliRun r = CliRun.of("account", "create", "Bad Id", "--url", "http://127.0.0.1:1", "--token", TOKEN);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("account id must match"), r.err());
  }

  @Test
  void setAccount_needsAccountOrNone() {
    CliRun r = CliRun.of("camera", "set-account", "cam-1", "--url", "http://127.0.0.1:1", "--token", TOKEN);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--account") && r.err().contains("--none"), r.err());
  }

  @Test
  void viewerToken_cameraAndAccountTogether_isAUsageError() {
    CliRun r = CliRun.of("viewer-token", "--camera", "cam-1", "--account", "site-1", "--url", "http://127.0.0.1:1",
        "--admin-token", TOKEN);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("mutually exclusive"), r.err());
  }

  private static CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", url, "--token", TOKEN));
    return CliRun.of(all.toArray(String[]::new));
  }


  private static String newId(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<String> ids(JsonObject page) {
    List<String> out = new ArrayList<>();
    page.getJsonArray("cameras").forEach(c -> out.add(((JsonObject) c).getString("id")));
    return out;
  }
}
