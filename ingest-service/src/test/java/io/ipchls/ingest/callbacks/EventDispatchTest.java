package io.ipchls.ingest.callbacks;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.IngestService;
import io.ipchls.ingest.shared.IngestPools;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.count;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.fastCallbacks;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.insertEvents;
import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.WebhookReceiver;
import io.ipchls.infra.WebhookReceiver.Received;
import io.ipchls.ingest.callbacks.CallbacksTestSupport.EventListener;
import io.ipchls.kit.config.Settings;
import io.ipchls.protocol.WebhookSignature.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatcher and the delivery worker as several instances sharing one database run them: each on its own
 * (unclustered) Vert.x, so nothing but PostgreSQL coordinates them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EventDispatchTest {
  private static IngestTestSupport db;
  private static WebhookReceiver receiver;
  private static EventListener events;
  private static CallbacksConfig callbacks;

  @BeforeAll
  static void start(Vertx vertx) {
    db = new IngestTestSupport(vertx, fastCallbacks());
    await(io.ipchls.kit.db.Database.migrate(vertx, db.config.db(), IngestService.SCHEMA));
    receiver = await(WebhookReceiver.start(vertx));
    events = new EventListener(vertx);
    callbacks = CallbacksConfig.from(new Settings(fastCallbacks().getJsonObject("callbacks")
        .put("pollMillis", 20), "callbacks"));
  }

  @AfterAll
  static void stop() {
    events.close();
    receiver.close();
  }

  /** One "instance": a Vert.x of its own with a dispatcher and a delivery worker; its metrics. */
  private record Instance(Vertx vertx, SimpleMeterRegistry registry) {
    static Instance start(String name) {
      Vertx v = Vertx.vertx();
      var registry = new SimpleMeterRegistry();
      var metrics = new CallbackMetrics(registry);
      await(v.deployVerticle(new EventDispatcherVerticle(new IngestPools(db.config.db()), db.config.mqtt(),
          "ingest-" + name + "-events", callbacks, metrics)));
      await(v.deployVerticle(new WebhookDeliveryVerticle(new IngestPools(db.config.db()), callbacks,
          new WebhookSecrets(CallbacksTestSupport.MASTER_KEY), metrics)));
      return new Instance(v, registry);
    }

    double published() {
      return registry.counter("recording.events.published").count();
    }

    void stop() {
      await(vertx.close());
    }
  }

  /** A webhook subscribed fleet-wide to {@code type}, created as the API would, with its secret at the receiver. */
  private static String webhook(String type) {
    String id = WebhookSecrets.newWebhookId();
    String salt = WebhookSecrets.newSalt();
    await(db.pool.preparedQuery("INSERT INTO ingest.webhooks (webhook_id, url, events, secret_salt) "
        + "VALUES ($1, $2, $3, $4)").execute(Tuple.of(id, receiver.url("/" + id), new String[] {type}, salt)));
    receiver.secret(id, new WebhookSecrets(CallbacksTestSupport.MASTER_KEY).secret(id, salt));
    return id;
  }

  private static long undispatched(String cameraId) {
    return count(db.pool, "SELECT count(*) FROM ingest.recording_events WHERE camera_id = $1 AND dispatched_at IS NULL",
        cameraId);
  }

  private static long delivered(String webhookId) {
    return count(db.pool, "SELECT count(*) FROM ingest.webhook_deliveries WHERE webhook_id = $1 "
        + "AND status = 'delivered'", webhookId);
  }

  private static Map<String, Long> byEventId(List<Received> received) {
    return received.stream().collect(Collectors.groupingBy(Received::eventId, Collectors.counting()));
  }

  @Test
  void twoInstances_publishAndDeliverEveryEventExactlyOnce() {
    String cam = cameraId("two-dispatchers");
    String wh = webhook("camera.online");
    Instance a = Instance.start("a-" + cam);
    Instance b = Instance.start("b-" + cam);
    try {
      for (int burst = 0; burst < 10; burst++) insertEvents(db.pool, "camera.online", cam, 20);
      Await.until("200 delivered", Duration.ofSeconds(60), () -> delivered(wh), n -> n == 200);
      assertEquals(0, undispatched(cam));
      // a last event through the same path: anything published before it has arrived by the time it is delivered
      insertEvents(db.pool, "camera.online", cam, 1);
      Await.until("sentinel delivered", Duration.ofSeconds(30), () -> delivered(wh), n -> n == 201);
      Await.until("201 on MQTT", Duration.ofSeconds(30), () -> events.ofCamera(cam).size(), n -> n >= 201);

      List<JsonObject> published = events.ofCamera(cam);
      Set<Long> distinct = new HashSet<>();
      published.forEach(p -> distinct.add(p.getLong("eventId")));
      assertEquals(201, published.size(), "each event published once");
      assertEquals(201, distinct.size());
      assertEquals(201.0, a.published() + b.published(), "the two dispatchers' counts add up to the events");

      List<Received> requests = receiver.received(wh);
      assertEquals(201, requests.size(), "each event delivered once");
      assertTrue(byEventId(requests).values().stream().allMatch(n -> n == 1));
      assertTrue(requests.stream().allMatch(r -> r.verdict() == Verdict.VALID));
      assertEquals(distinct, requests.stream().map(r -> Long.parseLong(r.eventId())).collect(Collectors.toSet()));
    } finally {
      a.stop();
      b.stop();
    }
  }

  @Test
  void restartMidway_losesNoEventAndNoDelivery() {
    String cam = cameraId("restart");
    String wh = webhook("camera.offline");
    receiver.script(wh, n -> n == 7 || n == 14 ? 503 : 204); // two retries (fewer than maxAttempts for any one)
    Instance first = Instance.start("first-" + cam);
    insertEvents(db.pool, "camera.offline", cam, 100);
    Await.until("some delivered", Duration.ofSeconds(30), () -> delivered(wh), n -> n >= 10);
    first.stop();
    insertEvents(db.pool, "camera.offline", cam, 100); // while no instance runs

    Instance second = Instance.start("second-" + cam);
    try {
      Await.until("all 200 delivered", Duration.ofSeconds(60), () -> delivered(wh), n -> n == 200);
      assertEquals(0, undispatched(cam));
      Set<Long> ids = new HashSet<>();
      await(db.pool.preparedQuery("SELECT event_id FROM ingest.recording_events WHERE camera_id = $1")
          .execute(Tuple.of(cam))).forEach(r -> ids.add(r.getLong(0)));
      assertEquals(200, ids.size());
      assertEquals(0, count(db.pool, "SELECT count(*) FROM ingest.webhook_deliveries WHERE webhook_id = $1 "
          + "AND status <> 'delivered'", wh));
      Set<Long> delivered = receiver.received(wh).stream().filter(r -> r.answered() == 204)
          .map(r -> Long.parseLong(r.eventId())).collect(Collectors.toSet());
      assertEquals(ids, delivered, "every event reached the webhook (at least once)");
      Await.until("every event on MQTT", Duration.ofSeconds(30),
          () -> events.ofCamera(cam).stream().map(p -> p.getLong("eventId")).collect(Collectors.toSet()),
          ids::equals);
    } finally {
      second.stop();
    }
  }
}
