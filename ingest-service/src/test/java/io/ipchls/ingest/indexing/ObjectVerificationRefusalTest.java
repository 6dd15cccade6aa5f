package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.IngestTestSupport.segment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.infra.EmbeddedS3;
import io.ipchls.infra.LocalStack;
import io.ipchls.infra.S3Options;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.StorageKeyGrant;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verifyObjects: true} when the bucket refuses ingest: a refusal of ingest's own key (a wrong secret after a
 * rotation) is no verdict on the camera's object, so the notification is held unacknowledged and indexed once ingest
 * runs with its right key; a 403 AccessDenied for the object itself refuses that notification alone
 * ({@code object_unreadable}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObjectVerificationRefusalTest {

  @Test
  void wrongServiceSecret_holdsTheNotification_andItIsIndexedOnceIngestHasItsRightKey() {
    LocalStack stack = LocalStack.sharedForTests();
    JsonObject config = IngestTestSupport.configJson(stack, IngestTestSupport.randomInstanceId())
        .put("verifyObjects", true);
    JsonObject wrongKey = IngestTestSupport.s3Json(stack).put("secretAccessKey", "not-the-service-secret");
    String id = cameraId("wrongkey");
    SegmentNotification uploaded = segment(id, 3_000);

    Vertx first = Vertx.vertx();
    try {
      var misconfigured = IngestTestSupport.withConfig(first, config.copy().put("s3", wrongKey)).start();
      misconfigured.putObject(uploaded.key(), new byte[188]);
      try (var cam = misconfigured.camera(id)) {
        cam.publish(uploaded);
        // the check is retried (the alarm is up) instead of refusing: nothing indexed, nothing refused
        misconfigured.awaitMetric("ingest_db_retrying", v -> v >= 1);
        assertEquals(List.of(), misconfigured.keysOf(id));
        assertTrue(cam.rejections.isEmpty(), () -> "refused: " + cam.rejections);
      }
    } finally {
      await(first.close()); // unacknowledged: the broker keeps the notification for the same session
    }

    Vertx second = Vertx.vertx();
    try {
      var fixed = IngestTestSupport.withConfig(second, config.copy().put("s3", IngestTestSupport.s3Json(stack)))
          .start();
      assertEquals(List.of(uploaded.key()), fixed.awaitKeys(id, k -> !k.isEmpty()));
    } finally {
      await(second.close());
    }
  }

  @Test
  void accessDeniedForTheObject_refusesThatNotificationAlone(@TempDir Path dir) {
    String id = cameraId("denied");
    // ingest reads a bucket whose policy lets its key write under the camera's prefix but read nothing: every HEAD
    // and GET of an object is 403 AccessDenied
    var grant = new StorageKeyGrant(id, "write-only-secret", "segments", id, Long.MAX_VALUE);
    try (EmbeddedS3 bucket = EmbeddedS3.start(new S3Options(dir, null, 0, "segments", null, "root", "root-secret",
        key -> key.equals("WRITEONLYKEY") ? Optional.of(grant) : Optional.empty()))) {
      JsonObject s3 = new JsonObject().put("endpoint", bucket.endpoint().toString()).put("region", bucket.region())
          .put("bucket", bucket.bucket()).put("pathStyle", true).put("accessKeyId", "WRITEONLYKEY")
          .put("secretAccessKey", "write-only-secret");
      Vertx vertx = Vertx.vertx();
      try {
        var ingest = new IngestTestSupport(vertx, new JsonObject().put("verifyObjects", true).put("s3", s3))
            .start();
        SegmentNotification n = segment(id, 3_000);
        try (var cam = ingest.camera(id)) {
          cam.publish(n);
          var rejection = cam.awaitRejection();
          assertTrue(rejection.reason().startsWith("object_unreadable: "), rejection.reason());
          assertEquals(n.key(), rejection.key());
        }
        assertEquals(List.of(), ingest.keysOf(id));
      } finally {
        await(vertx.close());
      }
    }
  }
}
