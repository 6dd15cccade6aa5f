package io.ipchls.ingest.usage;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.infra.Await;
import io.ipchls.infra.LocalStack;
import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.RecordingEvent;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Storage quotas of three segments' bytes, set through the admin API, on the running service: ring deletes the oldest
 * segments (objects and rows) until the camera is under its quota again and recording goes on; stop refuses the
 * segments over it with reason quota_exceeded, raises one quota.exceeded event and deletes nothing.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QuotaTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final int SEGMENT_BYTES = 2_000;
  private static final long QUOTA = 3L * SEGMENT_BYTES;
  private static final LocalStack STACK = LocalStack.sharedForTests();
  private static IngestTestSupport ingest;
  private static WebClient http;

  @BeforeAll
  static void start(Vertx vertx) {
    // quotas enforced every second: the test waits for the sweeper, never for a fixed time
    ingest = new IngestTestSupport(vertx, new JsonObject().put("s3", IngestTestSupport.s3Json(STACK))
        .put("quotaIntervalSeconds", 1)).start();
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void close() {
    http.close();
  }

  @Test
  void ring_deletesTheOldestUntilUnderQuota_andRecordingGoesOn() {
    String id = cameraId("ring");
    putQuota(id, "ring");
    List<SegmentNotification> sent = new ArrayList<>();
    try (var camera = ingest.camera(id)) {
      for (int i = 0; i < 6; i++) sent.add(publish(camera, id, 60_000L - i * 3_000L));
    }
    List<String> newest = sent.subList(3, 6).stream().map(SegmentNotification::key).toList();
    ingest.awaitKeys(id, keys -> keys.equals(newest));
    assertEquals(newest, listedKeys(id), "the oldest objects are gone from the bucket, the newest kept");
    JsonObject quota = getQuota(id);
    assertEquals(QUOTA, quota.getLong("storedBytes"), "at the quota, not over");

    try (var camera = ingest.camera(id)) {
      for (int i = 0; i < 2; i++) sent.add(publish(camera, id, 40_000L - i * 3_000L));
    }
    List<String> latest = sent.subList(5, 8).stream().map(SegmentNotification::key).toList();
    ingest.awaitKeys(id, keys -> keys.equals(latest));
    Await.until("stored bytes of " + id, DEADLINE, () -> getQuota(id).getLong("storedBytes"), b -> b <= QUOTA);
    assertEquals(latest, listedKeys(id), "recording went on; the ring keeps the newest three");
  }

  @Test
  void stop_refusesOverQuota_raisesOneEvent_deletesNothing() {
    String id = cameraId("stop");
    putQuota(id, "stop");
    List<SegmentNotification> sent = new ArrayList<>();
    List<SegmentRejected> rejected = new ArrayList<>();
    try (var camera = ingest.camera(id)) {
      for (int i = 0; i < 5; i++) sent.add(publish(camera, id, 60_000L - i * 3_000L));
      rejected.add(camera.awaitRejection());
      rejected.add(camera.awaitRejection());
    }
    List<String> first = sent.subList(0, 3).stream().map(SegmentNotification::key).toList();
    assertEquals(first, ingest.awaitKeys(id, keys -> keys.size() == 3), "the three within the quota are indexed");
    for (SegmentRejected r : rejected) {
      assertTrue(r.reason().startsWith(RecordingEvent.REASON_QUOTA_EXCEEDED + ":"), r.reason());
    }
    assertEquals(sent.subList(3, 5).stream().map(SegmentNotification::key).toList(),
        rejected.stream().map(SegmentRejected::key).toList());
    assertEquals(sent.stream().map(SegmentNotification::key).sorted().toList(), listedKeys(id),
        "nothing deleted: every uploaded object is still in the bucket");
    List<Row> events = new ArrayList<>();
    await(ingest.pool.preparedQuery("SELECT payload FROM ingest.recording_events WHERE camera_id = $1 AND type = $2")
        .execute(Tuple.of(id, RecordingEvent.QUOTA_EXCEEDED))).forEach(events::add);
    assertEquals(1, events.size(), "one event when the camera went over, not one per refused segment");
    JsonObject payload = (JsonObject) events.get(0).getValue("payload");
    assertEquals(QUOTA, payload.getLong("bytes"));
    assertEquals(id, payload.getString("cameraId"));
    JsonObject quota = getQuota(id);
    assertEquals(QUOTA, quota.getLong("storedBytes"));
    assertTrue(quota.getBoolean("exceeded"));
  }

  private static SegmentNotification publish(IngestTestSupport.Camera camera, String id, long ageMs) {
    long start = System.currentTimeMillis() - ageMs;
    String key = ObjectKeys.segmentKey(id, Instant.ofEpochMilli(start), ageMs);
    ingest.putObject(key, new byte[SEGMENT_BYTES]);
    var n = new SegmentNotification(SegmentNotification.VERSION, key, start, /* durationMs= */ 3_000, SEGMENT_BYTES,
        null, ageMs, "h264", /* width= */ 640, /* height= */ 360, System.currentTimeMillis(), null, null);
    camera.publish(n);
    return n;
  }

  private static void putQuota(String id, String policy) {
    HttpResponse<Buffer> r = await(http.put(ingest.httpPort, "127.0.0.1", "/api/v1/cameras/" + id + "/quota")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("maxBytes", QUOTA).put("policy", policy)));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(policy, r.bodyAsJsonObject().getString("policy"));
  }

  private static JsonObject getQuota(String id) {
    HttpResponse<Buffer> r = await(http.get(ingest.httpPort, "127.0.0.1", "/api/v1/cameras/" + id + "/quota")
        .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static List<String> listedKeys(String id) {
    try (S3Client s3 = IngestTestSupport.s3Client(STACK)) {
      List<String> keys = new ArrayList<>();
      s3.listObjectsV2Paginator(r -> r.bucket(STACK.s3().bucket()).prefix(id + "/")).contents()
          .forEach(o -> keys.add(o.key()));
      return keys.stream().sorted().toList();
    }
  }
}
