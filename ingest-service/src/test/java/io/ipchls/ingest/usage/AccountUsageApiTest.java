package io.ipchls.ingest.usage;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The usage report grouped by account ({@code GET /api/v1/usage?account=}): each camera carries its account, each
 * account's subtotal is the sum of its cameras, in JSON and CSV; an account admin token reads its own account's
 * report and nothing else; bad input, one test per case.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AccountUsageApiTest {
  private static final LocalStack STACK = LocalStack.sharedForTests();
  private static IngestTestSupport ingest;
  private static WebClient http;
  private static String accountA;
  private static String accountB;
  private static String tokenA;
  private static List<String> camerasA;
  private static String cameraB;
  private static String alone;

  @BeforeAll
  static void start(Vertx vertx) {
    ingest = new IngestTestSupport(vertx, new JsonObject().put("s3", IngestTestSupport.s3Json(STACK)));
    await(Database.migrate(vertx, ingest.config.db(), "ingest"));
    await(Database.migrate(vertx, ingest.config.db(), "credential"));
    ingest.start();
    http = WebClient.create(vertx);
    accountA = cameraId("usage-acct-a");
    accountB = cameraId("usage-acct-b");
    tokenA = "ipa_" + cameraId("token-a") + "-secret";
    account(accountA, Sha256.hex(tokenA));
    account(accountB, null);
    camerasA = List.of(camera("usage-a1", accountA, 2), camera("usage-a2", accountA, 3));
    cameraB = camera("usage-b1", accountB, 1);
    alone = camera("usage-none", null, 1);
  }

  @AfterAll
  static void close() {
    http.close();
  }

  @Test
  void report_groupsByAccount_subtotalIsTheSumOfItsCameras() {
    JsonObject report = get("/api/v1/usage", IngestTestSupport.ADMIN_TOKEN, 200).bodyAsJsonObject();
    Map<String, JsonObject> cameras = new HashMap<>();
    report.getJsonArray("cameras").forEach(o -> cameras.put(((JsonObject) o).getString("cameraId"), (JsonObject) o));
    camerasA.forEach(c -> assertEquals(accountA, cameras.get(c).getString("accountId")));
    assertEquals(accountB, cameras.get(cameraB).getString("accountId"));
    assertNull(cameras.get(alone).getString("accountId"), "a camera without an account has none");
    JsonObject a = subtotal(report.getJsonArray("accounts"), accountA);
    assertEquals(2, a.getInteger("cameras"));
    for (String field : List.of("storedBytes", "storedObjects", "puts", "bytesIn")) {
      long sum = camerasA.stream().mapToLong(c -> cameras.get(c).getLong(field)).sum();
      assertEquals(sum, a.getLong(field), field + " of account " + accountA);
    }
    assertEquals(5L * 1_000, a.getLong("storedBytes"), "five segments of 1000 bytes over its two cameras");
    assertEquals(1_000L, subtotal(report.getJsonArray("accounts"), accountB).getLong("storedBytes"));
  }

  @Test
  void report_ofOneAccount_listsItsCamerasOnly_asJsonAndCsv() {
    JsonObject report = get("/api/v1/usage?account=" + accountA, IngestTestSupport.ADMIN_TOKEN, 200)
        .bodyAsJsonObject();
    assertEquals(accountA, report.getString("accountId"));
    assertEquals(camerasA, report.getJsonArray("cameras").stream().map(o -> ((JsonObject) o).getString("cameraId"))
        .sorted().toList());
    assertEquals(5_000L, report.getJsonObject("total").getLong("storedBytes"));
    String csv = get("/api/v1/usage?format=csv&account=" + accountA, IngestTestSupport.ADMIN_TOKEN, 200)
        .bodyAsString();
    List<String> lines = csv.lines().toList();
    assertTrue(lines.get(0).endsWith(",account_id"), lines.get(0));
    assertEquals(5, lines.size(), "header, two cameras, the account's subtotal, the total: " + csv);
    long sum = lines.subList(1, 3).stream().mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
    String subtotal = lines.get(3);
    assertTrue(subtotal.startsWith("subtotal,") && subtotal.endsWith("," + accountA), subtotal);
    assertEquals(sum, Long.parseLong(subtotal.split(",")[1]));
    assertEquals(5_000L, sum);
  }

  @Test
  void accountAdmin_readsItsOwnAccount() {
    JsonObject report = get("/api/v1/usage", tokenA, 200).bodyAsJsonObject();
    assertEquals(accountA, report.getString("accountId"));
    assertEquals(camerasA, report.getJsonArray("cameras").stream().map(o -> ((JsonObject) o).getString("cameraId"))
        .sorted().toList());
    assertEquals(200, get("/api/v1/usage?account=" + accountA, tokenA, 200).statusCode());
  }

  @Test
  void accountAdmin_anotherAccount_is403() {
    JsonObject body = get("/api/v1/usage?account=" + accountB, tokenA, 403).bodyAsJsonObject();
    assertEquals("other_account", body.getString("error"), body.encode());
  }

  @Test
  void accountAdmin_otherCalls_are403() {
    JsonObject body = get("/api/v1/cameras/" + camerasA.get(0) + "/usage", tokenA, 403).bodyAsJsonObject();
    assertEquals("operator_only", body.getString("error"), body.encode());
  }

  @Test
  void account_badId_is400() {
    JsonObject body = get("/api/v1/usage?account=Bad%20Id", IngestTestSupport.ADMIN_TOKEN, 400).bodyAsJsonObject();
    assertEquals("invalid_account_id", body.getString("error"), body.encode());
  }

  @Test
  void account_unknown_is404() {
    JsonObject body = get("/api/v1/usage?account=" + cameraId("nosuch"), IngestTestSupport.ADMIN_TOKEN, 404)
        .bodyAsJsonObject();
    assertTrue(body.getString("message").contains("no such account"), body.encode());
  }

  private static JsonObject subtotal(JsonArray accounts, String account) {
    return accounts.stream().map(o -> (JsonObject) o).filter(o -> account.equals(o.getString("accountId")))
        .findFirst().orElseThrow(() -> new AssertionError("no subtotal of " + account + " in " + accounts));
  }

  private static HttpResponse<Buffer> get(String path, String token, int status) {
    HttpResponse<Buffer> r = await(http.get(ingest.httpPort, "127.0.0.1", path).bearerTokenAuthentication(token)
        .send());
    assertEquals(status, r.statusCode(), r.bodyAsString());
    if (status != 200) assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
    return r;
  }

  private static void account(String id, String tokenSha256) {
    await(ingest.pool.preparedQuery("INSERT INTO credential.accounts (id, display_name, admin_token_sha256) "
        + "VALUES ($1, $1, $2)").execute(Tuple.of(id, tokenSha256)));
  }

  /** A camera of {@code account} (null: none) with {@code segments} indexed segments of 1000 bytes each. */
  private static String camera(String what, String account, int segments) {
    String id = cameraId(what);
    await(ingest.pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix, account_id) "
        + "VALUES ($1, 'not-a-login-test', $1, $2)").execute(Tuple.of(id, account)));
    try (var camera = ingest.camera(id)) {
      for (int i = 0; i < segments; i++) {
        var n = IngestTestSupport.segment(id, 60_000L - i * 3_000L);
        var sized = new io.ipchls.protocol.SegmentNotification(n.v(), n.key(), n.start(), n.durationMs(), 1_000,
            n.sha256(), n.seq(), n.codec(), n.width(), n.height(), n.deviceTime(), n.clockJump(), n.discontinuity());
        ingest.putObject(sized.key(), new byte[1_000]);
        camera.publish(sized);
      }
    }
    ingest.awaitKeys(id, keys -> keys.size() == segments);
    return id;
  }
}
