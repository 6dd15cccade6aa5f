package io.ipchls.ingest.accounts;

import static io.ipchls.ingest.IngestTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.crypto.Sha256;
import io.ipchls.kit.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ingest's admin API is the operator's: an account admin token (credential V5) is recognised and refused with 403
 * {@code operator_only}, also for its own account's camera; an unknown token stays 401.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccountAdminTokenTest {
  private static final String TOKEN = "ipa_ingestAccountAdminTokenForTests0123456789a";
  private static IngestTestSupport ingest;
  private static WebClient web;
  private static String camera;

  @BeforeAll
  static void start(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
    await(Database.migrate(vertx, ingest.config.db(), "credential"));
    String account = IngestTestSupport.cameraId("acct");
    camera = IngestTestSupport.cameraId("cam");
    await(ingest.pool.preparedQuery("INSERT INTO credential.accounts (id, display_name, admin_token_sha256) "
        + "VALUES ($1, $1, $2)").execute(Tuple.of(account, Sha256.hex(TOKEN))));
    await(ingest.pool.preparedQuery("INSERT INTO credential.devices (id, secret_hash, prefix, account_id) "
        + "VALUES ($1, 'not-a-login-test', $1, $2)").execute(Tuple.of(camera, account)));
    web = WebClient.create(vertx);
  }

  @Test
  void accountAdmin_listingTemplates_is403OperatorOnly() {
    assertRefused(403, "operator_only", call(TOKEN, HttpMethod.GET, "/api/v1/record-templates", null));
  }

  @Test
  void accountAdmin_postingAnEventOfItsOwnCamera_is403OperatorOnly() {
    assertRefused(403, "operator_only", call(TOKEN, HttpMethod.POST, "/api/v1/cameras/" + camera + "/events",
        new JsonObject().put("v", 1).put("id", "e-1").put("type", "motion").put("start", System.currentTimeMillis())));
  }

  @Test
  void unknownAccountToken_is401() {
    assertRefused(401, "unauthorized", call("ipa_" + "B".repeat(43), HttpMethod.GET, "/api/v1/record-templates", null));
  }

  @Test
  void operator_isServed() {
    assertEquals(200, call(IngestTestSupport.ADMIN_TOKEN, HttpMethod.GET, "/api/v1/record-templates", null)
        .statusCode());
  }

  private static HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    var req = web.request(method, ingest.httpPort, "127.0.0.1", path).bearerTokenAuthentication(token);
    return await(body == null ? req.send() : req.sendJsonObject(body));
  }

  private static void assertRefused(int status, String code, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("application/json", r.getHeader("content-type"));
    assertEquals(code, r.bodyAsJsonObject().getString("error"));
  }
}
