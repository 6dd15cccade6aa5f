package io.ipchls.ingest.retention;

import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static io.ipchls.ingest.retention.RetentionFixture.DAY_S;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipchls.ingest.indexing.SegmentRow;
import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A segment's thumbnail goes with it (V37, as V34 does for init segments): never left behind, never taken early. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ThumbnailRetentionTest {
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private RetentionFixture fx;

  @BeforeEach
  void setUp(Vertx vertx) {
    fx = new RetentionFixture(vertx);
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void sweep_expiredSegmentsThumbnail_isDeletedWithIt_aKeptSegmentsStays() {
    String cam = cameraId("ret-thumb");
    Instant old = now.minusSeconds(8 * DAY_S);
    Instant recent = now.minusSeconds(DAY_S);
    SegmentRow expired = fx.segmentWithThumbnail(cam, old, ObjectKeys.segmentKey(cam, old, 1),
        ObjectKeys.thumbnailKey(cam, old, 1));
    SegmentRow kept = fx.segmentWithThumbnail(cam, recent, ObjectKeys.segmentKey(cam, recent, 2),
        ObjectKeys.thumbnailKey(cam, recent, 2));
    fx.sweep();
    assertFalse(fx.rowExists(expired));
    assertNull(fx.object(expired.objectKey()));
    assertNull(fx.object(expired.thumbnailKey()), "the expired segment's thumbnail is deleted with it");
    assertTrue(fx.rowExists(kept));
    assertArrayEquals(RetentionFixture.body(kept.thumbnailKey()), fx.object(kept.thumbnailKey()));
  }

  @Test
  void sweep_thumbnailAKeptRowAlsoNames_isKept() {
    String cam = cameraId("ret-thumb-shared");
    Instant old = now.minusSeconds(8 * DAY_S);
    Instant recent = now.minusSeconds(DAY_S);
    String thumbnail = ObjectKeys.thumbnailKey(cam, old, 1);
    SegmentRow expired = fx.segmentWithThumbnail(cam, old, ObjectKeys.segmentKey(cam, old, 1), thumbnail);
    fx.segmentWithThumbnail(cam, recent, ObjectKeys.segmentKey(cam, recent, 2), thumbnail);
    fx.sweep();
    assertFalse(fx.rowExists(expired));
    assertArrayEquals(RetentionFixture.body(thumbnail), fx.object(thumbnail), "a row inside retention names it");
  }
}
