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

  /** An fMP4 segment of the camera that started {@code ageMs} ago. */
  private static SegmentNotification fmp4(String camera, long ageMs, long seq, String init) {
    long start = System.currentTimeMillis() - ageMs;
    return new SegmentNotification(SegmentNotification.VERSION,
        ObjectKeys.segmentKey(camera, Instant.ofEpochMilli(start), seq, SegmentNotification.CONTAINER_FMP4), start,
        /* durationMs= */ 3000, /* bytes= */ 64, null, seq, "avc1.42E01E", /* width= */ 640, /* height= */ 360,
        System.currentTimeMillis(), null, null, SegmentNotification.CONTAINER_FMP4, init, /* frameRate= */ 25.0);
  }
}
