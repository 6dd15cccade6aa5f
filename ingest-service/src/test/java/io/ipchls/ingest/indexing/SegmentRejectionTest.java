package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static io.ipchls.ingest.IngestTestSupport.withKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.IngestTestSupport.Camera;
import io.ipchls.protocol.Json;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each bad notification is answered on {@code cameras/{id}/segments/rejected}, leaves no row, and the camera's next
 * good notification is still indexed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentRejectionTest {
  private static final long DAY_MS = 86_400_000L;
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
  }

  /** Publishes the bad payload built for a camera id, then a good one; returns the rejection. */
  private SegmentRejected rejectRawThenIndex(String what, Function<String, byte[]> badPayload) {
    String id = cameraId(what);
    try (Camera cam = ingest.camera(id)) {
      cam.publishRaw(badPayload.apply(id));
      SegmentRejected rejected = cam.awaitRejection();
      SegmentNotification good = segment(id, 2_000);
      cam.publish(good);
      assertEquals(List.of(good.key()), ingest.awaitKeys(id, k -> !k.isEmpty()), "only the good segment is indexed");
      assertEquals(1, rejected.v());
      return rejected;
    }
  }

  private SegmentRejected rejectThenIndex(String what, SegmentFactory bad) {
    return rejectRawThenIndex(what, id -> Json.encode(bad.make(id)));
  }

  private interface SegmentFactory {
    SegmentNotification make(String cameraId);
  }

  private static void assertReason(String code, SegmentRejected r) {
    assertTrue(r.reason().startsWith(code + ": "), "reason " + r.reason() + " should start with " + code);
  }

  @Test
  void malformedJson_isRejected() {
    var r = rejectRawThenIndex("malformed", id -> "{\"v\":1,\"key\":".getBytes(StandardCharsets.UTF_8));
    assertReason("malformed", r);
  }

  @Test
  void unsupportedVersion_isRejected() {
    var r = rejectThenIndex("version", id -> {
      SegmentNotification n = segment(id, 1_000);
      return new SegmentNotification(2, n.key(), n.start(), n.durationMs(), n.bytes(), null, n.seq(), n.codec(),
          n.width(), n.height(), n.deviceTime(), null, null);
    });
    assertReason("unsupported_version", r);
  }

  @Test
  void keyOutsideCameraPrefix_isRejected() {
    String[] key = new String[1];
    var r = rejectThenIndex("outside", id -> {
      SegmentNotification n = segment(id, 1_000);
      key[0] = "someone-else/" + n.key();
      return withKey(n, key[0]);
    });
    assertReason("key_outside_prefix", r);
    assertEquals(key[0], r.key());
  }

  @Test
  void keyWithDotDot_isRejected() {
    var r = rejectThenIndex("dotdot", id -> withKey(segment(id, 1_000), id + "/../victim/2025/01/01/x.ts"));
    assertReason("bad_key", r);
  }

  @Test
  void zeroDuration_isRejected() {
    var r = rejectThenIndex("dur0", id -> withDuration(segment(id, 1_000), 0));
    assertReason("invalid_field", r);
    assertTrue(r.reason().contains("durationMs"), r.reason());
  }

  @Test
  void durationOverOneMinute_isRejected() {
    var r = rejectThenIndex("durmax", id -> withDuration(segment(id, 1_000), 60_001));
    assertReason("invalid_field", r);
    assertTrue(r.reason().contains("durationMs"), r.reason());
  }

  @Test
  void targetSecondsOverTheLongestSegment_isRejected() {
    var r = rejectThenIndex("target61", id -> segment(id, 1_000).withTargetSeconds(61));
    assertReason("invalid_field", r);
    assertTrue(r.reason().contains("targetSeconds must be whole seconds in [1, 60]"), r.reason());
  }

  @Test
  void targetSecondsZero_isRejected() {
    var r = rejectThenIndex("target0", id -> segment(id, 1_000).withTargetSeconds(0));
    assertReason("invalid_field", r);
    assertTrue(r.reason().contains("targetSeconds"), r.reason());
  }

  @Test
  void startTooFarInFuture_isRejected() {
    var r = rejectThenIndex("future", id -> segment(id, -(ingest.config.indexing().maxFutureSkewSeconds() + 60) * 1000L));
    assertReason("too_far_in_future", r);
  }

  @Test
  void startOlderThanRetention_isRejected() {
    var r = rejectThenIndex("old", id -> segment(id, (ingest.config.retention().defaultRetentionDays() + 1) * DAY_MS));
    assertReason("too_old", r);
  }

  @Test
  void zeroBytes_isRejected() {
    var r = rejectThenIndex("bytes0", id -> withBytes(segment(id, 1_000), 0));
    assertReason("invalid_field", r);
    assertTrue(r.reason().contains("bytes"), r.reason());
  }

  @Test
  void bytesOverTheLimit_isRejected() {
    var r = rejectThenIndex("bytesmax", id -> withBytes(segment(id, 1_000), SegmentNotification.MAX_BYTES + 1));
    assertReason("invalid_field", r);
    assertTrue(r.reason().contains("bytes"), r.reason());
  }

  @Test
  void keyUnderAPrefixThatOnlyStartsLikeTheCameraId_isRejected() {
    var r = rejectThenIndex("lookalike", id -> withKey(segment(id, 1_000), id + "x/2025/01/01/00/00/00.000-1.ts"));
    assertReason("key_outside_prefix", r);
  }

  @Test
  void startOlderThanTheCamerasOwnRetention_isRejected() {
    String id = cameraId("ownretention");
    IngestTestSupport.await(ingest.pool.preparedQuery(
        "INSERT INTO ingest.camera_settings (camera_id, retention_days) VALUES ($1, 2)").execute(Tuple.of(id)));
    try (Camera cam = ingest.camera(id)) {
      cam.publish(segment(id, 3 * DAY_MS));
      assertReason("too_old", cam.awaitRejection());
      SegmentNotification good = segment(id, DAY_MS);
      cam.publish(good);
      assertEquals(List.of(good.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }

  @Test
  void startInsideALongerCameraRetention_isIndexed() {
    String id = cameraId("longretention");
    IngestTestSupport.await(ingest.pool.preparedQuery(
        "INSERT INTO ingest.camera_settings (camera_id, retention_days) VALUES ($1, 30)").execute(Tuple.of(id)));
    SegmentNotification old = segment(id, (ingest.config.retention().defaultRetentionDays() + 3) * DAY_MS);
    try (Camera cam = ingest.camera(id)) {
      cam.publish(old);
      assertEquals(List.of(old.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }

  @Test
  void rejections_areCountedByReason() {
    rejectRawThenIndex("counted", id -> "not json".getBytes(StandardCharsets.UTF_8));
    var resp = IngestTestSupport.await(
        WebClient.create(ingest.vertx).get(ingest.httpPort, "127.0.0.1", "/metrics")
            .bearerTokenAuthentication(IngestTestSupport.ADMIN_TOKEN).send());
    assertTrue(resp.bodyAsString().contains("segments_rejected_total{reason=\"malformed\"}"), resp.bodyAsString());
  }

  private static SegmentNotification withBytes(SegmentNotification n, long bytes) {
    return new SegmentNotification(n.v(), n.key(), n.start(), n.durationMs(), bytes, n.sha256(), n.seq(), n.codec(),
        n.width(), n.height(), n.deviceTime(), n.clockJump(), n.discontinuity());
  }

  private static SegmentNotification withDuration(SegmentNotification n, long durationMs) {
    return new SegmentNotification(n.v(), n.key(), n.start(), durationMs, n.bytes(), n.sha256(), n.seq(), n.codec(),
        n.width(), n.height(), n.deviceTime(), n.clockJump(), n.discontinuity());
  }
}
