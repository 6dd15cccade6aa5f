package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.LocalStack;
import io.ipchls.protocol.SegmentNotification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code verifyObjects: true}: a notification is indexed only when its object exists in the bucket (HEAD). */
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
}
