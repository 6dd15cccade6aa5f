package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static io.ipchls.ingest.IngestTestSupport.withKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.kit.cluster.ClusterMessages;
import io.ipchls.kit.db.Database;
import io.ipchls.protocol.ClusterNames;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentsIndexed;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentIndexingTest {
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
  }

  @Test
  void notification_isIndexedWithItsFields() {
    String id = cameraId("index");
    SegmentNotification n = segment(id, 5_000);
    try (var cam = ingest.camera(id)) {
      cam.publish(n);
      ingest.awaitKeys(id, keys -> keys.size() == 1);
    }
    Row row = await(ingest.pool.preparedQuery("SELECT * FROM ingest.segments WHERE camera_id = $1")
        .execute(Tuple.of(id))).iterator().next();
    assertEquals(n.key(), row.getString("object_key"));
    assertEquals(Instant.ofEpochMilli(n.start()), row.getOffsetDateTime("start_at").toInstant());
    assertEquals(Instant.ofEpochMilli(n.deviceTime()), row.getOffsetDateTime("device_time").toInstant());
    assertEquals(3000, row.getInteger("duration_ms"));
    assertEquals(n.bytes(), row.getLong("bytes"));
    assertEquals(n.seq(), row.getLong("seq"));
    assertEquals("h264", row.getString("codec"));
    assertEquals(640, row.getInteger("width"));
    assertEquals(false, row.getBoolean("clock_jump"));
    long lag = System.currentTimeMillis() - row.getOffsetDateTime("received_at").toInstant().toEpochMilli();
    assertTrue(lag >= -1000 && lag < IngestTestSupport.TIMEOUT_MS, "received_at is server time, lag " + lag);
  }

  @Test
  void cameraClockBehind_showsAsLagInCameraClock() {
    String id = cameraId("clock");
    SegmentNotification n = segment(id, 90_000);
    SegmentNotification behind = new SegmentNotification(n.v(), n.key(), n.start(), n.durationMs(), n.bytes(),
        n.sha256(), n.seq(), n.codec(), n.width(), n.height(), System.currentTimeMillis() - 60_000, null, null);
    try (var cam = ingest.camera(id)) {
      cam.publish(behind);
      ingest.awaitKeys(id, keys -> keys.size() == 1);
    }
    Row clock = await(ingest.pool.preparedQuery("SELECT * FROM ingest.camera_clock WHERE camera_id = $1")
        .execute(Tuple.of(id))).iterator().next();
    assertEquals(1, clock.getLong("segments"));
    long lag = clock.getLong("median_lag_ms");
    assertTrue(lag >= 59_000 && lag < 60_000 + IngestTestSupport.TIMEOUT_MS, "a clock 60 s behind, lag " + lag);
  }

  @Test
  void sameNotificationTwice_isIndexedOnce() {
    String id = cameraId("dup");
    SegmentNotification n = segment(id, 5_000);
    SegmentNotification marker = segment(id, 2_000);
    try (var cam = ingest.camera(id)) {
      cam.publish(n);
      cam.publish(n);
      cam.publish(marker); // arrives after both copies on the same connection
      List<String> keys = ingest.awaitKeys(id, k -> k.contains(marker.key()));
      assertEquals(List.of(n.key(), marker.key()), keys);
    }
  }

  @Test
  void manyNotifications_areAllIndexed_asOneRecording() {
    String id = cameraId("many");
    List<String> expected = new ArrayList<>();
    try (var cam = ingest.camera(id)) {
      for (int i = 0; i < 200; i++) {
        SegmentNotification n = segment(id, 600_000 - i * 3_000L);
        expected.add(n.key());
        cam.publishAsync(n);
      }
      assertEquals(expected, ingest.awaitKeys(id, k -> k.size() >= 200));
    }
    Row rec = await(ingest.pool.preparedQuery(
        "SELECT count(*) OVER () AS n, segment_count, bytes FROM ingest.recordings WHERE camera_id = $1")
        .execute(Tuple.of(id))).iterator().next();
    assertEquals(1, rec.getLong("n"), "contiguous 3 s segments form one recording");
    assertEquals(200, rec.getInteger("segment_count"));
    assertEquals(200L * 188 * 1000, rec.getLong("bytes"));
  }

  @Test
  void commit_announcesCameraAndItsSegmentsOnEventBus() throws InterruptedException {
    String id = cameraId("event");
    var events = new LinkedBlockingQueue<SegmentsIndexed>();
    var consumer = ingest.vertx.eventBus().<JsonObject>consumer(ClusterNames.SEGMENTS_INDEXED,
        m -> events.add(ClusterMessages.fromJson(m.body(), SegmentsIndexed.class)));
    await(consumer.completion());
    try (var cam = ingest.camera(id)) {
      cam.publish(segment(id, 1_000).withTargetSeconds(3));
      long deadline = System.currentTimeMillis() + IngestTestSupport.TIMEOUT_MS;
      SegmentsIndexed event;
      do {
        event = events.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        assertTrue(event != null, "no " + ClusterNames.SEGMENTS_INDEXED + " event naming " + id);
      } while (!event.cameras().contains(id));
      assertEquals(1, ingest.keysOf(id).size(), "the event comes after the commit");
      SegmentsIndexed.Entry announced = event.segments().stream().filter(e -> id.equals(e.cameraId())).findFirst()
          .orElse(null);
      assertTrue(announced != null, "the event carries the segment: " + event);
      assertEquals(ingest.keysOf(id).get(0), announced.key());
      assertEquals(3000, announced.durationMs());
      assertEquals(0L, announced.mediaSequence(), "the camera's first live segment: " + event);
      assertEquals(0L, announced.discontinuitySequence(), event.toString());
      assertEquals(3, announced.targetSeconds(), "the camera's configured length rides along: " + event);
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  void announcedTargetSeconds_isKeptPerCamera_forLivePlaylists_andRewrittenOnlyWhenItChanges() {
    String id = cameraId("target");
    String read = "SELECT target_seconds, (SELECT updated_at FROM ingest.live_target WHERE camera_id = $1) AS at "
        + "FROM ingest.live_sequence_v1 WHERE camera_id = $1";
    try (var cam = ingest.camera(id)) {
      cam.publish(segment(id, 9_000).withTargetSeconds(3));
      ingest.awaitKeys(id, k -> k.size() == 1);
      Row first = await(ingest.pool.preparedQuery(read).execute(Tuple.of(id))).iterator().next();
      assertEquals(3, first.getInteger("target_seconds"), "what live playlists read when they load the camera");
      cam.publish(segment(id, 6_000).withTargetSeconds(3));
      ingest.awaitKeys(id, k -> k.size() == 2);
      Row same = await(ingest.pool.preparedQuery(read).execute(Tuple.of(id))).iterator().next();
      assertEquals(first.getOffsetDateTime("at"), same.getOffsetDateTime("at"), "unchanged: not written again");
      cam.publish(segment(id, 3_000).withTargetSeconds(6));
      ingest.awaitKeys(id, k -> k.size() == 3);
      Row changed = await(ingest.pool.preparedQuery(read).execute(Tuple.of(id))).iterator().next();
      assertEquals(6, changed.getInteger("target_seconds"), "reconfigured camera: the newest length");
    }
  }

  @Test
  void cameraThatAnnouncesNoTarget_hasNone() {
    String id = cameraId("notarget");
    try (var cam = ingest.camera(id)) {
      cam.publish(segment(id, 1_000));
      ingest.awaitKeys(id, k -> k.size() == 1);
    }
    Row r = await(ingest.pool.preparedQuery("SELECT target_seconds FROM ingest.live_sequence_v1 WHERE camera_id = $1")
        .execute(Tuple.of(id))).iterator().next();
    assertNull(r.getInteger("target_seconds"), "playlists use their default");
  }

  @Test
  void keyUnderRegisteredPrefix_isIndexed_keyUnderCameraId_isRejected() {
    String id = cameraId("registered");
    String prefix = "tenant-a/" + id;
    // credential-service's own migration makes the registry and its read view, which ingest reads
    await(Database.migrate(ingest.vertx, ingest.config.db(), "credential")
        .compose(x -> ingest.pool.preparedQuery(
            "INSERT INTO credential.devices (id, secret_hash, prefix) VALUES ($1, 'unused', $2)")
            .execute(Tuple.of(id, prefix))));
    SegmentNotification atDefault = segment(id, 5_000);
    SegmentNotification atPrefix = withKey(segment(id, 2_000), prefix + "/2025/01/01/00/00/00.000-1.ts");
    try (var cam = ingest.camera(id)) {
      cam.publish(atDefault);
      assertTrue(cam.awaitRejection().reason().startsWith("key_outside_prefix"));
      cam.publish(atPrefix);
      assertEquals(List.of(atPrefix.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }

  @Test
  void health_reportsDbAndMqttUp() {
    var client = WebClient.create(ingest.vertx);
    var resp = await(client.get(ingest.httpPort, "127.0.0.1", "/health").send());
    assertEquals(200, resp.statusCode());
    JsonObject checks = resp.bodyAsJsonObject().getJsonObject("checks");
    assertEquals("UP", checks.getString("db"));
    assertEquals("UP", checks.getString("mqtt"));
  }

  @Test
  void metrics_countIndexedSegments() {
    String id = cameraId("metrics");
    try (var cam = ingest.camera(id)) {
      cam.publish(segment(id, 1_000));
      ingest.awaitKeys(id, k -> k.size() == 1);
    }
    var resp = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/metrics")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send());
    assertEquals(200, resp.statusCode());
    String body = resp.bodyAsString();
    assertTrue(body.contains("segments_indexed_total"), body);
    assertTrue(body.contains("segments_batch_size_count"), body);
  }

  @Test
  void unknownPath_isJson404() {
    var resp = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/nope").send());
    assertEquals(404, resp.statusCode());
    assertEquals("not_found", resp.bodyAsJsonObject().getString("error"));
  }

  @Test
  void adminApi_withoutToken_isJson401() {
    var resp = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/api/v1/anything").send());
    assertEquals(401, resp.statusCode());
    assertEquals("unauthorized", resp.bodyAsJsonObject().getString("error"));
    var forged = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/api/v1/anything")
        .bearerTokenAuthentication("not-the-admin-token").send());
    assertEquals(401, forged.statusCode());
  }

  @Test
  void adminApi_unknownRoute_isJson404() {
    var resp = await(WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/api/v1/anything")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send());
    assertEquals(404, resp.statusCode());
    assertEquals("not_found", resp.bodyAsJsonObject().getString("error"));
  }
}
