package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code verifyObjects: true}: a notification is indexed only when its object, and for fMP4 its init segment, exists in
 * the bucket (HEAD).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObjectVerificationTest {
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    var stack = LocalStack.sharedForTests();
    ingest = new IngestTestSupport(vertx,
        new JsonObject().put("verifyObjects", true).put("s3", IngestTestSupport.s3Json(stack))).start();
  }

  @Test
  void notificationForMissingObject_isRejected_andExistingOneIndexed() {
    String id = cameraId("verify");
    SegmentNotification missing = segment(id, 6_000);
    SegmentNotification uploaded = segment(id, 3_000);
    ingest.putObject(uploaded.key(), new byte[188]);
    try (var cam = ingest.camera(id)) {
      cam.publish(missing);
      var rejection = cam.awaitRejection();
      assertTrue(rejection.reason().startsWith("object_missing: "), rejection.reason());
      assertEquals(missing.key(), rejection.key());
      cam.publish(uploaded);
      assertEquals(List.of(uploaded.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }

  @Test
  void fmp4SegmentWhoseInitSegmentIsMissing_isRejected_andOneWithItsInitIndexed() {
    String id = cameraId("verify-init");
    String missingInit = ObjectKeys.initKey(id, "a".repeat(64));
    String uploadedInit = ObjectKeys.initKey(id, "b".repeat(64));
    SegmentNotification orphan = fmp4(id, 9_000, 1, missingInit);
    SegmentNotification complete = fmp4(id, 6_000, 2, uploadedInit);
    SegmentNotification sameInit = fmp4(id, 3_000, 3, uploadedInit);
    ingest.putObject(orphan.key(), new byte[64]);
    ingest.putObject(complete.key(), new byte[64]);
    ingest.putObject(sameInit.key(), new byte[64]);
    ingest.putObject(uploadedInit, new byte[64]);
    try (var cam = ingest.camera(id)) {
      cam.publish(orphan);
      var rejection = cam.awaitRejection();
      assertTrue(rejection.reason().startsWith("init_missing: "), rejection.reason());
      assertTrue(rejection.reason().contains(missingInit), rejection.reason());
      assertEquals(orphan.key(), rejection.key());
      cam.publish(complete);
      cam.publish(sameInit);
      assertEquals(List.of(complete.key(), sameInit.key()), ingest.awaitKeys(id, k -> k.size() == 2));
    }
  }

  @Test
  void segmentWhoseThumbnailIsMissing_isIndexedWithoutIt_andOneWithItsThumbnailKeepsIt() {
    String id = cameraId("verify-thumb");
    SegmentNotification orphan = withThumbnail(segment(id, 6_000));
    SegmentNotification complete = withThumbnail(segment(id, 3_000));
    ingest.putObject(orphan.key(), new byte[188]);
    ingest.putObject(complete.key(), new byte[188]);
    ingest.putObject(complete.thumbnail(), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9});
    double before = ingest.metric("segments_thumbnail_dropped_total{reason=\"thumbnail_missing\"}");
    try (var cam = ingest.camera(id)) {
      cam.publish(orphan);
      cam.publish(complete);
      // the video is what must not be lost: both segments are indexed, neither is refused
      assertEquals(List.of(orphan.key(), complete.key()), ingest.awaitKeys(id, k -> k.size() == 2));
      assertTrue(cam.rejections.isEmpty(), () -> "refused: " + cam.rejections);
    }
    var thumbnails = new java.util.HashMap<String, String>();
    IngestTestSupport.await(ingest.pool.preparedQuery(
            "SELECT object_key, thumbnail_key FROM ingest.segments_v1 WHERE camera_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id)))
        .forEach(r -> thumbnails.put(r.getString("object_key"), r.getString("thumbnail_key")));
    assertEquals(null, thumbnails.get(orphan.key()), "the missing thumbnail is not named");
    assertEquals(complete.thumbnail(), thumbnails.get(complete.key()));
    assertEquals(before + 1, ingest.metric("segments_thumbnail_dropped_total{reason=\"thumbnail_missing\"}"));
  }

  /** The notification naming its thumbnail where the camera SDK puts it. */
  private static SegmentNotification withThumbnail(SegmentNotification n) {
    String camera = n.key().substring(0, n.key().indexOf('/'));
    return new SegmentNotification(n.v(), n.key(), n.start(), n.durationMs(), n.bytes(), n.sha256(), n.seq(),
        n.codec(), n.width(), n.height(), n.deviceTime(), n.clockJump(), n.discontinuity(), n.container(), n.init(),
        n.frameRate(), n.targetSeconds(), n.keyFrame(),
        ObjectKeys.thumbnailKey(camera, Instant.ofEpochMilli(n.start()), n.seq()));
  }

  /** An fMP4 segment of the camera that started {@code ageMs} ago. */
  private static SegmentNotification fmp4(String camera, long ageMs, long seq, String init) {
    long start = System.currentTimeMillis() - ageMs;
    return new SegmentNotification(SegmentNotification.VERSION,
        ObjectKeys.segmentKey(camera, Instant.ofEpochMilli(start), seq, SegmentNotification.CONTAINER_FMP4), start,
        /* durationMs= */ 3000, /* bytes= */ 64, null, seq, "avc1.42E01E", /* width= */ 640, /* height= */ 360,
        System.currentTimeMillis(), null, null, SegmentNotification.CONTAINER_FMP4, init, /* frameRate= */ 25.0);
  }
}
