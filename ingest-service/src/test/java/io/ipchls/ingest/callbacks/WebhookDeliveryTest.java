package io.ipchls.ingest.callbacks;

import static io.ipchls.ingest.callbacks.CallbacksTestSupport.awaitDeliveries;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.countStatus;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.fastCallbacks;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.insertEvent;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.insertTemplate;
import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.infra.WebhookReceiver;
import io.ipchls.infra.WebhookReceiver.Received;
import io.ipchls.ingest.callbacks.CallbacksTestSupport.Api;
import io.ipchls.ingest.callbacks.CallbacksTestSupport.EventListener;
import io.ipchls.protocol.WebhookSignature;
import io.ipchls.protocol.WebhookSignature.Verdict;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events written into the outbox reach MQTT and the right webhooks, signed; failures are retried, then given up. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookDeliveryTest {
  private static IngestTestSupport ingest;
  private static Api api;
  private static WebhookReceiver receiver;
  private static EventListener events;

  @BeforeAll
  static void start(Vertx vertx) {
    ingest = new IngestTestSupport(vertx, fastCallbacks()).start();
    api = Api.of(vertx, ingest.httpPort);
    receiver = await(WebhookReceiver.start(vertx));
    events = new EventListener(vertx);
  }

  @AfterAll
  static void stop() {
    events.close();
    receiver.close();
  }

  /** A webhook on the receiver, its secret handed to the receiver. */
  private static String webhook(String path, List<String> fleetEvents) {
    JsonObject w = api.createWebhook(receiver.url(path), fleetEvents);
    receiver.secret(w.getString("id"), w.getString("secret"));
    return w.getString("id");
  }

  private static List<Received> awaitReceived(String webhookId, int n) {
    return Await.until("requests to " + webhookId, Duration.ofSeconds(20), () -> receiver.received(webhookId),
        r -> r.size() >= n);
  }

  @Test
  void templateEvent_isDeliveredSigned_andPublishedOnMqtt() {
    String wh = webhook("/signed", List.of());
    String cam = cameraId("cb-signed");
    String template = insertTemplate(ingest.pool, List.of("recording.started"), List.of(wh));
    long eventId = insertEvent(ingest.pool, "recording.started", cam, template);

    Received r = awaitReceived(wh, 1).get(0);
    assertEquals(Verdict.VALID, r.verdict());
    assertEquals(Long.toString(eventId), r.eventId());
    assertEquals("recording.started", r.eventType());
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs(now - r.timestamp()) < 60, "timestamp is the sending time, got " + r.timestamp());
    JsonObject body = new JsonObject(r.body());
    assertEquals(eventId, body.getLong("eventId"));
    assertEquals(cam, body.getString("cameraId"));
    assertEquals("recording.started", body.getString("type"));
    assertEquals(1, body.getInteger("v"));
    JsonArray log = awaitDeliveries(api, wh, d -> countStatus(d, "delivered") == 1);
    JsonObject d = log.getJsonObject(0);
    assertEquals(eventId, d.getLong("eventId"));
    assertEquals(1, d.getInteger("attempts"));
    assertEquals(204, d.getInteger("lastStatusCode"));
    assertNotNull(d.getLong("finishedAt"));

    List<JsonObject> published = Await.until("MQTT event of " + cam, Duration.ofSeconds(20),
        () -> events.ofCamera(cam), l -> !l.isEmpty());
    assertEquals(body, published.get(0));
    assertNotNull(CallbacksTestSupport.dispatchedAt(ingest.pool, eventId));
  }

  @Test
  void signature_followsTheDocumentedRecipe_andRotationSwitchesTheSecret() throws Exception {
    JsonObject w = api.createWebhook(receiver.url("/recipe"), List.of("camera.online"));
    String wh = w.getString("id");
    receiver.secret(wh, w.getString("secret"));
    insertEvent(ingest.pool, "camera.online", cameraId("cb-recipe"), null);
    Received r = awaitReceived(wh, 1).get(0);
    // docs/API.md's recipe, recomputed here with the JDK alone
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(w.getString("secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8));
    assertEquals("sha256=" + HexFormat.of().formatHex(expected), r.signature());
    assertEquals(Verdict.VALID, r.verdict());

    String rotated = api.post("/api/v1/webhooks/" + wh + "/secret", null).bodyAsJsonObject().getString("secret");
    receiver.secret(wh, rotated);
    insertEvent(ingest.pool, "camera.online", cameraId("cb-recipe2"), null);
    Received second = awaitReceived(wh, 2).get(1);
    assertEquals(Verdict.VALID, second.verdict(), "signed with the rotated secret");
    assertEquals(Verdict.MISMATCH, WebhookSignature.verify(w.getString("secret"), Long.toString(second.timestamp()),
        second.signature(), second.body().getBytes(StandardCharsets.UTF_8), second.timestamp(), 300),
        "no longer signed with the old secret");
  }

  @Test
  void receiverFailingTwice_isDeliveredOnTheThirdAttempt_andTheLogShowsEachAttempt() {
    String wh = webhook("/flaky", List.of("recording.stopped"));
    receiver.script(wh, n -> n <= 2 ? 500 : 200);
    long eventId = insertEvent(ingest.pool, "recording.stopped", cameraId("cb-flaky"), null);

    JsonArray log = awaitDeliveries(api, wh, d -> countStatus(d, "delivered") == 1);
    JsonObject d = log.getJsonObject(0);
    assertEquals(eventId, d.getLong("eventId"));
    assertEquals(3, d.getInteger("attempts"));
    assertEquals(200, d.getInteger("lastStatusCode"));
    JsonObject detail = api.get("/api/v1/webhooks/" + wh + "/deliveries/" + d.getLong("id")).bodyAsJsonObject();
    JsonArray attempts = detail.getJsonArray("attemptLog");
    assertEquals(3, attempts.size());
    assertEquals(List.of(500, 500, 200), attempts.stream().map(a -> ((JsonObject) a).getInteger("statusCode")).toList());
    assertEquals(3, receiver.received(wh).size());
    assertTrue(receiver.received(wh).stream().allMatch(x -> x.eventId().equals(Long.toString(eventId))),
        "every attempt carries the same event id");
  }

  @Test
  void deadReceiver_failsAfterMaxAttempts_thenAManualRetryDeliversIt() {
    String wh = webhook("/dead", List.of("index.ready"));
    receiver.script(wh, n -> n <= 3 ? WebhookReceiver.NEVER : 200);
    insertEvent(ingest.pool, "index.ready", cameraId("cb-dead"), null);

    JsonArray log = awaitDeliveries(api, wh, d -> countStatus(d, "failed") == 1);
    JsonObject d = log.getJsonObject(0);
    assertEquals(3, d.getInteger("attempts"));
    assertNull(d.getInteger("lastStatusCode"));
    assertTrue(d.getString("lastError").contains("imeout"), d.getString("lastError"));
    assertEquals(3, receiver.received(wh).size());
    assertEquals(1, api.deliveries(wh, "?status=failed").size());
    assertEquals(0, api.deliveries(wh, "?status=delivered").size());

    var retry = api.post("/api/v1/webhooks/" + wh + "/deliveries/" + d.getLong("id") + "/retry", null);
    assertEquals(202, retry.statusCode(), retry.bodyAsString());
    awaitDeliveries(api, wh, x -> countStatus(x, "delivered") == 1);
    var again = api.post("/api/v1/webhooks/" + wh + "/deliveries/" + d.getLong("id") + "/retry", null);
    assertEquals(202, again.statusCode(), "a delivered one can be sent again");
  }

  /**
   * The target is checked again at every delivery, on the address the name resolves to then: a webhook whose target is
   * internal by now (registered before the check existed, or its name re-pointed since) is never contacted; each
   * attempt fails with the reason, and the delivery ends failed.
   */
  @Test
  void internalTargetAtDeliveryTime_isNeverContacted_andTheAttemptsSayWhy() {
    String wh = WebhookSecrets.newWebhookId();
    await(new WebhookRepository(ingest.pool).create(wh, "http://10.0.0.1/hook", "re-pointed",
        List.of("camera.offline"), WebhookSecrets.newSalt()));
    insertEvent(ingest.pool, "camera.offline", cameraId("cb-internal"), null);

    JsonArray log = awaitDeliveries(api, wh, d -> countStatus(d, "failed") == 1);
    JsonObject d = log.getJsonObject(0);
    assertEquals(3, d.getInteger("attempts"));
    assertNull(d.getInteger("lastStatusCode"));
    assertTrue(d.getString("lastError").contains("target_not_allowed: 10.0.0.1"), d.getString("lastError"));
  }

  @Test
  void templateRouting_onlyListedEventTypesReachOnlyListedWebhooks() {
    String listed = webhook("/listed", List.of());
    String other = webhook("/other", List.of());
    String cam = cameraId("cb-route");
    String template = insertTemplate(ingest.pool, List.of("recording.stopped"), List.of(listed));
    insertEvent(ingest.pool, "recording.started", cam, template); // type not in the template's events
    long stopped = insertEvent(ingest.pool, "recording.stopped", cam, template);
    insertEvent(ingest.pool, "recording.stopped", cam, null); // no template, no fleet-wide subscription

    awaitDeliveries(api, listed, d -> countStatus(d, "delivered") == 1);
    // every event of the camera is published, so the dispatcher has certainly passed all three
    Await.until("three events of " + cam, Duration.ofSeconds(20), () -> events.ofCamera(cam), l -> l.size() == 3);
    JsonArray log = api.deliveries(listed, "");
    assertEquals(1, log.size());
    assertEquals(stopped, log.getJsonObject(0).getLong("eventId"));
    assertEquals(0, api.deliveries(other, "").size());
    assertEquals(0, receiver.received(other).size());
  }

  @Test
  void deliveryLog_filtersAndPages() {
    String wh = webhook("/log", List.of("camera.online", "camera.offline"));
    String cam = cameraId("cb-log");
    for (int i = 0; i < 5; i++) insertEvent(ingest.pool, i % 2 == 0 ? "camera.online" : "camera.offline", cam, null);
    awaitDeliveries(api, wh, d -> countStatus(d, "delivered") == 5);
    assertEquals(3, api.deliveries(wh, "?eventType=camera.online").size());
    assertEquals(2, api.deliveries(wh, "?eventType=camera.offline&status=delivered").size());
    assertEquals(0, api.deliveries(wh, "?status=pending").size());

    var first = api.get("/api/v1/webhooks/" + wh + "/deliveries?limit=2").bodyAsJsonObject();
    assertEquals(2, first.getJsonArray("deliveries").size());
    long next = first.getLong("next");
    var second = api.get("/api/v1/webhooks/" + wh + "/deliveries?limit=2&cursor=" + next).bodyAsJsonObject();
    var third = api.get("/api/v1/webhooks/" + wh + "/deliveries?limit=2&cursor=" + second.getLong("next"))
        .bodyAsJsonObject();
    assertEquals(1, third.getJsonArray("deliveries").size());
    assertNull(third.getValue("next"));
    assertTrue(first.getJsonArray("deliveries").getJsonObject(0).getLong("id")
        > second.getJsonArray("deliveries").getJsonObject(0).getLong("id"), "newest first");
  }
}
