package io.ipchls.ingest.callbacks;

import static io.ipchls.ingest.callbacks.CallbacksTestSupport.count;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.fastCallbacks;
import static io.ipchls.ingest.callbacks.CallbacksTestSupport.insertEvents;
import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.Await;
import io.ipchls.infra.WebhookReceiver;
import io.ipchls.ingest.callbacks.CallbacksTestSupport.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A webhook that never answers holds its delivery slots while a camera's segments are indexed as usual. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowWebhookTest {
  private static final int SEGMENTS = 200;
  private static final int EVENTS = 30;
  private static final int SLOTS = 4;

  @Test
  void hungWebhook_doesNotStopSegmentsFromBeingIndexedAndAcknowledged(Vertx vertx) {
    JsonObject overrides = fastCallbacks();
    overrides.getJsonObject("callbacks").put("maxConcurrent", SLOTS).put("maxPerWebhook", SLOTS)
        .put("responseTimeoutMillis", 120_000);
    IngestTestSupport ingest = new IngestTestSupport(vertx, overrides).start();
    Api api = Api.of(vertx, ingest.httpPort);
    try (WebhookReceiver receiver = await(WebhookReceiver.start(vertx))) {
      JsonObject w = api.createWebhook(receiver.url("/hung"), List.of("camera.offline"));
      String wh = w.getString("id");
      receiver.secret(wh, w.getString("secret")).script(wh, n -> WebhookReceiver.NEVER);
      String eventsCam = cameraId("hung-events");
      insertEvents(ingest.pool, "camera.offline", eventsCam, EVENTS);
      // every delivery slot of the instance now waits on the receiver, which never answers
      Await.until("hung requests", Duration.ofSeconds(20), () -> receiver.received(wh).size(), n -> n == SLOTS);

      String cam = cameraId("while-hung");
      try (var camera = ingest.camera(cam)) {
        List<Future<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < SEGMENTS; i++) sent.add(camera.publishAsync(segment(cam, 60_000L + i * 3000L)));
        await(Future.all(sent));
        camera.awaitAcknowledged();
        ingest.awaitKeys(cam, keys -> keys.size() == SEGMENTS);
      }
      assertEquals(SEGMENTS, count(ingest.pool, "SELECT count(*) FROM ingest.segments WHERE camera_id = $1", cam));
      // ... while no delivery got through: all still pending, the instance's slots all held by the hung webhook
      assertEquals(EVENTS, count(ingest.pool, "SELECT count(*) FROM ingest.webhook_deliveries WHERE webhook_id = $1 "
          + "AND status = 'pending'", wh));
      assertEquals(SLOTS, count(ingest.pool, "SELECT count(*) FROM ingest.webhook_deliveries WHERE webhook_id = $1 "
          + "AND lease_until > now()", wh));
      assertEquals(SLOTS, receiver.received(wh).size());
    }
  }
}
