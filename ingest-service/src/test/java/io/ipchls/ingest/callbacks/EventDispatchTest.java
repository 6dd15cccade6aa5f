package io.ipchls.ingest.callbacks;

import io.ipchls.ingest.IngestTestSupport;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
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
    db = new IngestTestSupport(vertx, fastCallbacks()).migrate();
    receiver = await(WebhookReceiver.start(vertx));
    events = new EventListener(vertx);
    // timeouts long enough that a receiver in this JVM answers in time even on a loaded machine: a second request for
    // an event is then a second send, not the retry of an attempt that timed out
    callbacks = CallbacksConfig.from(new Settings(fastCallbacks().getJsonObject("callbacks")
        .put("pollMillis", 20).put("connectTimeoutMillis", 5_000).put("responseTimeoutMillis", 10_000), "callbacks"));
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

  /**
   * This camera's deliveries to a webhook in a status. A webhook subscribed fleet-wide also gets the events of other
   * tests' cameras (left undispatched by an instance stopped before its next round): they are not this test's.
   */
  private static long delivered(String webhookId, String cameraId) {
    return count(db.pool, "SELECT count(*) FROM ingest.webhook_deliveries d JOIN ingest.recording_events e "
        + "USING (event_id) WHERE d.webhook_id = $1 AND e.camera_id = $2 AND d.status = 'delivered'", webhookId,
        cameraId);
  }

  /** What the webhook received for this camera's events. */
  private static List<Received> received(String webhookId, Set<Long> eventIds) {
    return receiver.received(webhookId).stream().filter(r -> eventIds.contains(Long.parseLong(r.eventId()))).toList();
  }

  private static Set<Long> eventIds(String cameraId) {
    Set<Long> ids = new HashSet<>();
    await(db.pool.preparedQuery("SELECT event_id FROM ingest.recording_events WHERE camera_id = $1")
        .execute(Tuple.of(cameraId))).forEach(r -> ids.add(r.getLong(0)));
    return ids;
  }

  private static long undispatched(String cameraId) {
    return count(db.pool, "SELECT count(*) FROM ingest.recording_events WHERE camera_id = $1 AND dispatched_at IS NULL",
        cameraId);
  }

  private static Map<String, Long> byEventId(List<Received> received) {
    return received.stream().collect(Collectors.groupingBy(Received::eventId, Collectors.counting()));
  }

  /** The event ids seen more than once, how often, and (for webhook requests) with which delivery ids. */
  private static String repeated(List<?> seen) {
    Map<String, List<String>> byId = seen.stream().collect(Collectors.groupingBy(
        x -> x instanceof Received r ? r.eventId() : x.toString(), java.util.TreeMap::new,
        Collectors.mapping(x -> x instanceof Received r ? "delivery " + r.deliveryId() : "seen", Collectors.toList())));
    byId.values().removeIf(v -> v.size() < 2);
    return "repeated " + byId;
  }

  @Test
  void twoInstances_publishAndDeliverEveryEventExactlyOnce() {
    String cam = cameraId("two-dispatchers");
    String wh = webhook("camera.online");
    Instance a = Instance.start("a-" + cam);
    Instance b = Instance.start("b-" + cam);
    try {
      for (int burst = 0; burst < 10; burst++) insertEvents(db.pool, "camera.online", cam, 20);
      Await.until("200 delivered", Duration.ofSeconds(60), () -> delivered(wh, cam), n -> n == 200);
      assertEquals(0, undispatched(cam));
      // a last event through the same path: anything published before it has arrived by the time it is delivered
      insertEvents(db.pool, "camera.online", cam, 1);
      Await.until("sentinel delivered", Duration.ofSeconds(30), () -> delivered(wh, cam), n -> n == 201);
      Await.until("201 on MQTT", Duration.ofSeconds(30), () -> events.ofCamera(cam).size(), n -> n >= 201);

      List<JsonObject> published = events.ofCamera(cam);
      Set<Long> distinct = new HashSet<>();
      published.forEach(p -> distinct.add(p.getLong("eventId")));
      assertEquals(201, published.size(), "each event published once: " + repeated(published.stream()
          .map(p -> p.getLong("eventId").toString()).toList()));
      assertEquals(201, distinct.size());
      assertEquals(201.0, a.published() + b.published(), "the two dispatchers' counts add up to the events");

      List<Received> requests = received(wh, eventIds(cam));
      assertEquals(201, requests.size(), "each event delivered once: " + repeated(requests));
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
    Await.until("some delivered", Duration.ofSeconds(30), () -> delivered(wh, cam), n -> n >= 10);
    first.stop();
    insertEvents(db.pool, "camera.offline", cam, 100); // while no instance runs

    Instance second = Instance.start("second-" + cam);
    try {
      Await.until("all 200 delivered", Duration.ofSeconds(60), () -> delivered(wh, cam), n -> n == 200);
      assertEquals(0, undispatched(cam));
      Set<Long> ids = eventIds(cam);
      assertEquals(200, ids.size());
      assertEquals(200, count(db.pool, "SELECT count(*) FROM ingest.webhook_deliveries WHERE webhook_id = $1 "
          + "AND event_id = ANY ($2)", wh, ids.toArray(Long[]::new)), "one delivery per event");
      Set<Long> delivered = received(wh, ids).stream().filter(r -> r.answered() == 204)
          .map(r -> Long.parseLong(r.eventId())).collect(Collectors.toSet());
      assertEquals(ids, delivered, "every event reached the webhook (the scripted 503s are retried)");
      Await.until("every event on MQTT", Duration.ofSeconds(30),
          () -> events.ofCamera(cam).stream().map(p -> p.getLong("eventId")).collect(Collectors.toSet()),
          ids::equals);
      // the stopped instance finished its round before closing: nothing it published is published again
      assertEquals(200, events.ofCamera(cam).size(), "each event published once across the restart");
    } finally {
      second.stop();
    }
  }

  /** The backend of a dispatcher whose fan-out waits for a row lock (the test's), i.e. a round in progress. */
  private static final String BLOCKED_FAN_OUT = """
      SELECT pid FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO ingest.webhook_deliveries%'""";

  /**
   * A member dies in the middle of a round: its connection is terminated while the round holds the dispatch lock and
   * the events' rows. The claim ends with the connection, and the events go out exactly once, through whichever
   * instance takes the next round; the dead round published nothing, because it publishes only after the fan-out.
   */
  @Test
  void memberDiesMidRound_itsEventsArePublishedAndDeliveredOnce() {
    String cam = cameraId("dies");
    String wh = webhook("recording.stopped");
    // the test holds the webhook's row, so the fan-out's foreign-key check waits inside the round
    SqlConnection blocker = await(db.pool.getConnection());
    Transaction held = await(blocker.begin());
    await(blocker.preparedQuery("SELECT 1 FROM ingest.webhooks WHERE webhook_id = $1 FOR UPDATE")
        .execute(Tuple.of(wh)));
    Instance doomed = Instance.start("doomed-" + cam);
    Instance survivor = null;
    Future<Void> doomedClosed = null;
    try {
      insertEvents(db.pool, "recording.stopped", cam, 20);
      int pid = Await.until("a round waiting in its fan-out", Duration.ofSeconds(30),
              () -> await(db.pool.query(BLOCKED_FAN_OUT).execute()), rows -> rows.size() == 1)
          .iterator().next().getInteger(0);
      survivor = Instance.start("survivor-" + cam); // cannot take the lock the doomed round holds
      assertEquals(0, events.ofCamera(cam).size(), "nothing published before the round's database work is done");
      await(db.pool.preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(pid)));
      doomedClosed = doomed.vertx().close(); // the rest of the member goes too (a round it began since may finish)
      await(held.rollback());

      Await.until("20 delivered", Duration.ofSeconds(60), () -> delivered(wh, cam), n -> n == 20);
      assertEquals(0, undispatched(cam));
      Await.until("20 on MQTT", Duration.ofSeconds(30), () -> events.ofCamera(cam).size(), n -> n >= 20);
      // a last event through the same path: anything published before it has arrived by the time it is delivered
      insertEvents(db.pool, "recording.stopped", cam, 1);
      Await.until("sentinel on MQTT", Duration.ofSeconds(30), () -> events.ofCamera(cam).size(), n -> n >= 21);
      Await.until("sentinel delivered", Duration.ofSeconds(30), () -> delivered(wh, cam), n -> n == 21);
      Set<Long> ids = eventIds(cam);
      List<String> published = events.ofCamera(cam).stream().map(p -> p.getLong("eventId").toString()).toList();
      assertEquals(21, published.size(), "each event published once: " + repeated(published));
      assertEquals(ids, published.stream().map(Long::parseLong).collect(Collectors.toSet()));
      assertEquals(21.0, doomed.published() + survivor.published(), "the dead round counts nothing");
      List<Received> requests = received(wh, ids);
      assertEquals(21, requests.size(), "each event delivered once: " + repeated(requests));
    } finally {
      blocker.close();
      if (doomedClosed == null) doomed.stop(); else await(doomedClosed);
      if (survivor != null) survivor.stop();
    }
  }
}
