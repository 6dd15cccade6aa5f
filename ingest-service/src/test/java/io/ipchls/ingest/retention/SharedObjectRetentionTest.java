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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An object is deleted only when no row inside its camera's retention names it: the same key announced again, or
 * named by a camera with a longer retention, keeps the object and loses only the expired row; a key named only by
 * expired rows goes; a daily partition beyond the default but inside a longer camera's retention keeps that camera's
 * rows and objects.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedObjectRetentionTest {
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
  void sweep_keyAnnouncedAgainInsideRetention_deletesTheOldRowOnly_andKeepsTheObject() {
    String cam = cameraId("ret-again");
    String key = ObjectKeys.segmentKey(cam, now.minusSeconds(8 * DAY_S), 1);
    SegmentRow old = fx.segment(cam, now.minusSeconds(8 * DAY_S), key);
    SegmentRow again = fx.segment(cam, now.minusSeconds(DAY_S), key);
    fx.sweep();
    assertFalse(fx.rowExists(old), "the expired row is deleted");
    assertTrue(fx.rowExists(again), "the row inside retention stays");
    assertArrayEquals(RetentionFixture.body(key), fx.object(key), "its object stays");
  }

  @Test
  void sweep_objectNamedByACameraWithLongerRetention_isKept() {
    String shortCam = cameraId("ret-shared-7");
    String longCam = cameraId("ret-shared-30");
    fx.setRetention(longCam, 30);
    String key = ObjectKeys.segmentKey(shortCam, now.minusSeconds(8 * DAY_S), 1);
    SegmentRow expired = fx.segment(shortCam, now.minusSeconds(8 * DAY_S), key);
    SegmentRow kept = fx.segment(longCam, now.minusSeconds(8 * DAY_S), key);
    fx.sweep();
    assertFalse(fx.rowExists(expired), "the 7-day camera's row is deleted");
    assertTrue(fx.rowExists(kept), "the 30-day camera's row stays");
    assertArrayEquals(RetentionFixture.body(key), fx.object(key), "the object the 30-day camera names stays");
  }

  @Test
  void sweep_objectNamedOnlyByExpiredRows_isDeleted() {
    String a = cameraId("ret-both-a");
    String b = cameraId("ret-both-b");
    String key = ObjectKeys.segmentKey(a, now.minusSeconds(9 * DAY_S), 1);
    SegmentRow first = fx.segment(a, now.minusSeconds(9 * DAY_S), key);
    SegmentRow second = fx.segment(b, now.minusSeconds(8 * DAY_S), key);
    fx.sweep();
    assertFalse(fx.rowExists(first));
    assertFalse(fx.rowExists(second));
    assertNull(fx.object(key), "no kept row names it: the object is deleted");
  }

  @Test
  void sweep_partitionBeyondTheDefault_keepsALongerCamerasRowsAndObjects() {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(13);
    String partition = fx.createPartition(day);
    Instant noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
    String shortCam = cameraId("ret-part-7");
    String longCam = cameraId("ret-part-30");
    fx.setRetention(longCam, 30);
    SegmentRow expired = fx.segment(shortCam, noon, ObjectKeys.segmentKey(shortCam, noon, 1));
    SegmentRow kept = fx.segment(longCam, noon, ObjectKeys.segmentKey(longCam, noon, 1));
    fx.sweep();
    assertFalse(fx.rowExists(expired));
    assertNull(fx.object(expired.objectKey()), "the 7-day camera's object is deleted");
    assertTrue(fx.partitionExists(partition), "the day's partition stays while a 30-day camera keeps rows in it");
    assertTrue(fx.rowExists(kept));
    assertArrayEquals(RetentionFixture.body(kept.objectKey()), fx.object(kept.objectKey()));
  }
}
