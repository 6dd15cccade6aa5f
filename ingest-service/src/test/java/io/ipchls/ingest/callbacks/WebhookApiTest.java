package io.ipchls.ingest.callbacks;

import static io.ipchls.ingest.callbacks.CallbacksTestSupport.fastCallbacks;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.insertTemplate;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.templateCallbacks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.callbacks.CallbacksTestSupport.Api;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The webhook registry over HTTP: what an admin sees, and one test per bad input. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookApiTest {
  private static IngestTestSupport ingest;
  private static Api api;

  @BeforeAll
  static void start(Vertx vertx) {
    ingest = new IngestTestSupport(vertx, fastCallbacks()).start();
    api = Api.of(vertx, ingest.httpPort);
  }

  private static void assertError(HttpResponse<Buffer> resp, int status, String code) {
    assertEquals(status, resp.statusCode(), resp.bodyAsString());
    assertEquals(code, resp.bodyAsJsonObject().getString("error"), resp.bodyAsString());
    assertTrue(resp.bodyAsJsonObject().getString("message").length() > 0);
  }

  private static HttpResponse<Buffer> create(Object url) {
    return api.post("/api/v1/webhooks", new JsonObject().put("url", url));
  }

  @Test
  void create_returnsIdAndSecretOnce_getAndListNeverShowIt() {
    var resp = api.post("/api/v1/webhooks", new JsonObject().put("url", "https://hooks.example.com/ipc?x=1")
        .put("description", "ops").put("events", new JsonArray().add("camera.offline")));
    assertEquals(201, resp.statusCode(), resp.bodyAsString());
    JsonObject created = resp.bodyAsJsonObject();
    String id = created.getString("id");
    assertTrue(id.matches("wh_[0-9a-f]{16}"), id);
    assertTrue(created.getString("secret").startsWith("whsec_") && created.getString("secret").length() > 40);
    assertEquals("https://hooks.example.com/ipc?x=1", created.getString("url"));
    assertEquals(List.of("camera.offline"), created.getJsonArray("events").getList());

    var got = api.get("/api/v1/webhooks/" + id);
    assertEquals(200, got.statusCode());
    assertEquals("ops", got.bodyAsJsonObject().getString("description"));
    assertFalse(got.bodyAsString().contains(created.getString("secret")));
    assertFalse(got.bodyAsJsonObject().containsKey("secret"));
    var listed = api.get("/api/v1/webhooks?limit=500").bodyAsString();
    assertTrue(listed.contains(id));
    assertFalse(listed.contains(created.getString("secret")));
    // nothing secret at rest: the row holds no form of the secret
    String row = IngestTestSupport.await(ingest.pool.preparedQuery("SELECT w::text FROM ingest.webhooks w "
        + "WHERE webhook_id = $1").execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next().getString(0);
    assertFalse(row.contains(created.getString("secret").substring(6)));
  }

  @Test
  void list_pagesThroughEveryWebhookInIdOrder() {
    Set<String> made = new HashSet<>();
    for (int i = 0; i < 5; i++) made.add(api.createWebhook("http://127.0.0.1:9/h" + i, List.of()).getString("id"));
    Set<String> seen = new HashSet<>();
    String after = null;
    String last = "";
    do {
      var page = api.get("/api/v1/webhooks?limit=2" + (after == null ? "" : "&after=" + after)).bodyAsJsonObject();
      assertTrue(page.getJsonArray("webhooks").size() <= 2);
      for (Object o : page.getJsonArray("webhooks")) {
        String id = ((JsonObject) o).getString("id");
        assertTrue(id.compareTo(last) > 0, "id order");
        last = id;
        seen.add(id);
      }
      after = page.getString("next");
    } while (after != null);
    assertTrue(seen.containsAll(made));
  }

  @Test
  void rotate_givesANewSecret() {
    JsonObject created = api.createWebhook("http://127.0.0.1:9/rotate", List.of());
    var rotated = api.post("/api/v1/webhooks/" + created.getString("id") + "/secret", null);
    assertEquals(200, rotated.statusCode());
    String secret = rotated.bodyAsJsonObject().getString("secret");
    assertTrue(secret.startsWith("whsec_"));
    assertNotEquals(created.getString("secret"), secret);
  }

  @Test
  void delete_removesTheWebhookAndItsIdFromTemplates() {
    String keep = api.createWebhook("http://127.0.0.1:9/keep", List.of()).getString("id");
    String gone = api.createWebhook("http://127.0.0.1:9/gone", List.of()).getString("id");
    String template = insertTemplate(ingest.pool, List.of("recording.started"), List.of(keep, gone));
    assertEquals(204, api.send("DELETE", "/api/v1/webhooks/" + gone, null).statusCode());
    assertError(api.get("/api/v1/webhooks/" + gone), 404, "unknown_webhook");
    assertEquals(List.of(keep), templateCallbacks(ingest.pool, template).getJsonArray("webhooks").getList());
    assertEquals(List.of("recording.started"), templateCallbacks(ingest.pool, template).getJsonArray("events").getList());
    assertError(api.send("DELETE", "/api/v1/webhooks/" + gone, null), 404, "unknown_webhook");
  }

  /**
   * Internal targets (server-side request forgery: the cloud metadata service, private networks, loopback outside the
   * allow-list this test's ingest has, 127.0.0.1/32, and IPv6 forms that carry such an IPv4 address) are refused;
   * a public address and an allow-listed one are not.
   */
  @Test
  void url_internalTarget_isRefused_unlessAllowListed() {
    for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook",
        "https://192.168.0.10:8443/hook", "http://172.16.5.4/hook", "http://100.64.0.1/hook", "http://0.0.0.0:8080/",
        "http://127.0.0.2:9/not-in-the-allow-list", "http://[::1]:9/hook", "http://[fd00::1]/hook",
        "http://[fe80::1]/hook", "http://[::ffff:10.0.0.1]/hook", "http://[64:ff9b::a9fe:a9fe]/hook",
        "http://224.0.0.1/hook")) {
      var resp = create(url);
      assertError(resp, 400, "target_not_allowed");
      assertTrue(resp.bodyAsJsonObject().getString("message").contains("callbacks.allowedTargets"), url);
    }
    assertEquals(201, create("http://93.184.216.34/hook").statusCode());
    assertEquals(201, create("http://127.0.0.1:9/allow-listed").statusCode());
  }

  @Test
  void url_ftp_isInvalid() {
    assertError(create("ftp://files.example.com/x"), 400, "invalid_url");
  }

  @Test
  void url_javascript_isInvalid() {
    assertError(create("javascript:alert(1)"), 400, "invalid_url");
  }

  @Test
  void url_withoutHost_isInvalid() {
    assertError(create("http:///path"), 400, "invalid_url");
    assertError(create("https:relative"), 400, "invalid_url");
  }

  @Test
  void url_notAString_missingOrUnparsable_isInvalid() {
    assertError(create(42), 400, "invalid_url");
    assertError(api.post("/api/v1/webhooks", new JsonObject()), 400, "invalid_url");
    assertError(create("http://exa mple.com/"), 400, "invalid_url");
  }

  @Test
  void url_tooLong_isInvalid() {
    assertError(create("https://example.com/" + "a".repeat(2048)), 400, "invalid_url");
  }

  @Test
  void url_withCredentials_isInvalid() {
    assertError(create("https://user:pw@example.com/hook"), 400, "invalid_url");
  }

  @Test
  void events_unknownType_isInvalid() {
    var resp = api.post("/api/v1/webhooks", new JsonObject().put("url", "https://example.com/")
        .put("events", new JsonArray().add("recording.exploded")));
    assertError(resp, 400, "invalid_events");
  }

  @Test
  void description_tooLong_isRefused() {
    var resp = api.post("/api/v1/webhooks", new JsonObject().put("url", "https://example.com/")
        .put("description", "d".repeat(201)));
    assertError(resp, 400, "bad_description");
  }

  @Test
  void malformedJson_isBadJson() {
    assertError(api.send("POST", "/api/v1/webhooks", "{\"url\": "), 400, "bad_json");
    assertError(api.send("POST", "/api/v1/webhooks", "[1]"), 400, "bad_json");
  }

  @Test
  void unknownWebhook_is404_everywhere() {
    String id = "wh_00000000deadbeef";
    assertError(api.get("/api/v1/webhooks/" + id), 404, "unknown_webhook");
    assertError(api.post("/api/v1/webhooks/" + id + "/secret", null), 404, "unknown_webhook");
    assertError(api.get("/api/v1/webhooks/" + id + "/deliveries"), 404, "unknown_webhook");
    assertError(api.get("/api/v1/webhooks/" + id + "/deliveries/1"), 404, "unknown_webhook");
    assertError(api.post("/api/v1/webhooks/" + id + "/deliveries/1/retry", null), 404, "unknown_webhook");
  }

  @Test
  void unknownDelivery_is404() {
    String id = api.createWebhook("http://127.0.0.1:9/d", List.of()).getString("id");
    assertError(api.get("/api/v1/webhooks/" + id + "/deliveries/999999999"), 404, "unknown_delivery");
    assertError(api.post("/api/v1/webhooks/" + id + "/deliveries/999999999/retry", null), 404, "unknown_delivery");
  }

  @Test
  void malformedWebhookId_isBadId() {
    assertError(api.get("/api/v1/webhooks/not-a-webhook"), 400, "bad_id");
  }

  @Test
  void badPaging_limit() {
    for (String limit : List.of("0", "501", "-1", "ten")) {
      assertError(api.get("/api/v1/webhooks?limit=" + limit), 400, "bad_limit");
    }
  }

  @Test
  void badPaging_after() {
    assertError(api.get("/api/v1/webhooks?after=zzz"), 400, "bad_after");
  }

  @Test
  void badDeliveryQuery_cursorStatusEventTypeLimit() {
    String id = api.createWebhook("http://127.0.0.1:9/q", List.of()).getString("id");
    String base = "/api/v1/webhooks/" + id + "/deliveries";
    assertError(api.get(base + "?cursor=abc"), 400, "bad_cursor");
    assertError(api.get(base + "?cursor=0"), 400, "bad_cursor");
    assertError(api.get(base + "?status=lost"), 400, "bad_status");
    assertError(api.get(base + "?eventType=foo"), 400, "bad_event_type");
    assertError(api.get(base + "?limit=100000"), 400, "bad_limit");
    assertError(api.get(base + "/x"), 400, "bad_delivery_id");
  }

  @Test
  void withoutAdminToken_is401() {
    var resp = IngestTestSupport.await(api.client().get(ingest.httpPort, "127.0.0.1", "/api/v1/webhooks").send());
    assertEquals(401, resp.statusCode());
    assertNull(resp.bodyAsJsonObject().getString("secret"));
  }
}
