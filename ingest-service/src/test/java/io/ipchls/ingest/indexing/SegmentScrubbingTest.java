package io.ipchls.ingest.indexing;

import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.IngestTestSupport.Camera;
import io.ipchls.protocol.ObjectKeys;
import io.ipchls.protocol.SegmentNotification;
import io.ipchls.protocol.SegmentRejected;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 18 item 3 through the camera's real path (MQTT → checks → batch → index_segments): the key frame's byte range
 * and the thumbnail's key are stored as playlist-service reads them ({@code segments_v1}); each bad value is refused
 * on the rejected topic with its reason while the good notification sent with it in the same burst is indexed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SegmentScrubbingTest {
  private static final long BYTES = 90_000;
  private static IngestTestSupport ingest;

  @BeforeAll
  static void startIngest(Vertx vertx) {
    ingest = new IngestTestSupport(vertx).start();
  }

  private static SegmentNotification segment(String camera, long ageMs, long seq, Long offset, Long length,
      String thumbnail) {
    long start = System.currentTimeMillis() - ageMs;
    return new SegmentNotification(SegmentNotification.VERSION,
        ObjectKeys.segmentKey(camera, Instant.ofEpochMilli(start), seq), start, /* durationMs= */ 3000, BYTES, null,
        seq, "avc1.64001f", 640, 360, System.currentTimeMillis(), null, null, null, null, null, null,
        offset == null && length == null ? null : new SegmentNotification.KeyFrame(offset, length), thumbnail);
  }

  private static String thumbnailOf(String camera, SegmentNotification n) {
    return ObjectKeys.thumbnailKey(camera, Instant.ofEpochMilli(n.start()), n.seq());
  }

  @Test
  void keyFrameAndThumbnail_areStored_asPlaylistServiceReadsThem() {
    String id = cameraId("scrub");
    SegmentNotification n = segment(id, 10_000, 1, 0L, 21_432L, null);
    n = segment(id, 10_000, 1, 0L, 21_432L, thumbnailOf(id, n));
    try (Camera cam = ingest.camera(id)) {
      cam.publish(n);
      ingest.awaitKeys(id, k -> k.size() == 1);
    }
    Row r = await(ingest.pool.preparedQuery("""
        SELECT key_frame_offset, key_frame_length, thumbnail_key FROM ingest.segments_v1 WHERE camera_id = $1""")
        .execute(Tuple.of(id))).iterator().next();
    assertEquals(0L, r.getLong("key_frame_offset"));
    assertEquals(21_432L, r.getLong("key_frame_length"));
    assertEquals(n.thumbnail(), r.getString("thumbnail_key"));
  }

  @Test
  void withoutThem_theRowHasNeither() {
    String id = cameraId("noscrub");
    try (Camera cam = ingest.camera(id)) {
      cam.publish(segment(id, 10_000, 1, null, null, null));
      ingest.awaitKeys(id, k -> k.size() == 1);
    }
    Row r = await(ingest.pool.preparedQuery("""
        SELECT key_frame_offset, key_frame_length, thumbnail_key FROM ingest.segments_v1 WHERE camera_id = $1""")
        .execute(Tuple.of(id))).iterator().next();
    assertNull(r.getLong("key_frame_offset"));
    assertNull(r.getString("thumbnail_key"));
  }

  @Test
  void keyFrameEndingPastTheSegment_isRejected_theRestOfTheBatchIndexed() {
    assertRejected("kfpast", (id, s) -> segment(id, 5_000, 1, BYTES - 100, 101L, null), "invalid_field: ",
        "within the segment's " + BYTES + " bytes");
  }

  @Test
  void keyFrameWithNegativeOffset_isRejected_theRestOfTheBatchIndexed() {
    assertRejected("kfneg", (id, s) -> segment(id, 5_000, 1, -1L, 100L, null), "invalid_field: ",
        "keyFrame.offset must be >= 0");
  }

  @Test
  void keyFrameOfLengthZero_isRejected_theRestOfTheBatchIndexed() {
    assertRejected("kfzero", (id, s) -> segment(id, 5_000, 1, 0L, 0L, null), "invalid_field: ",
        "keyFrame.length must be > 0");
  }

  @Test
  void keyFrameWithoutLength_isRejected_theRestOfTheBatchIndexed() {
    assertRejected("kfhalf", (id, s) -> segment(id, 5_000, 1, 0L, null, null), "invalid_field: ",
        "keyFrame needs offset and length");
  }

  @Test
  void thumbnailOutsideTheCamerasPrefix_isRejected_theRestOfTheBatchIndexed() {
    assertRejected("thout", (id, s) -> segment(id, 5_000, 1, null, null, "someone-else/thumbs/x.jpg"),
        "thumbnail_outside_prefix: ", "not under the camera's storage prefix");
  }

  @Test
  void thumbnailNotInNormalForm_isRejected_theRestOfTheBatchIndexed() {
    assertRejected("thbad", (id, s) -> segment(id, 5_000, 1, null, null, id + "/thumbs/../x.jpg"),
        "invalid_field: ", "thumbnail: key is not in normal form");
  }

  private interface Bad {
    SegmentNotification make(String cameraId, long seq);
  }

  /** Publishes the bad notification and a good one right after it (one burst, one batch as a rule). */
  private static void assertRejected(String label, Bad bad, String code, String detail) {
    String id = cameraId(label);
    try (Camera cam = ingest.camera(id)) {
      SegmentNotification refused = bad.make(id, 1);
      SegmentNotification good = segment(id, 2_000, 2, 0L, 1_000L, null);
      cam.publish(refused);
      cam.publish(good);
      SegmentRejected r = cam.awaitRejection();
      assertTrue(r.reason().startsWith(code), r.reason());
      assertTrue(r.reason().contains(detail), r.reason());
      assertEquals(refused.key(), r.key());
      assertEquals(List.of(good.key()), ingest.awaitKeys(id, k -> !k.isEmpty()));
    }
  }
}
