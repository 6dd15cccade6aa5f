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

/**
 * An fMP4 init segment serves every segment of its codec configuration, often for days: retention deletes it only with
 * the last row that needs it (V34, extending V32's rule), and deletes the expired segments' own objects as before.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InitSegmentRetentionTest {
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

  private static String key(String cam, Instant at) {
    return ObjectKeys.segmentKey(cam, at, 1, "fmp4");
  }

  @Test
  void sweep_initStillNeededByAKeptSegment_isKept_theExpiredSegmentsObjectGoes() {
    String cam = cameraId("ret-init-kept");
    String init = ObjectKeys.initKey(cam, "1".repeat(64));
    Instant old = now.minusSeconds(8 * DAY_S);
    Instant recent = now.minusSeconds(DAY_S);
    SegmentRow expired = fx.fmp4Segment(cam, old, key(cam, old), init);
    SegmentRow kept = fx.fmp4Segment(cam, recent, key(cam, recent), init);
    fx.sweep();
    assertFalse(fx.rowExists(expired), "the expired row is deleted");
    assertNull(fx.object(expired.objectKey()), "and its own object");
    assertTrue(fx.rowExists(kept), "the row inside retention stays");
    assertArrayEquals(RetentionFixture.body(init), fx.object(init), "the init segment it needs stays");
    assertArrayEquals(RetentionFixture.body(kept.objectKey()), fx.object(kept.objectKey()));
  }

  @Test
  void sweep_initNeededOnlyByExpiredSegments_isDeletedWithThem() {
    String cam = cameraId("ret-init-gone");
    String init = ObjectKeys.initKey(cam, "2".repeat(64));
    Instant first = now.minusSeconds(9 * DAY_S);
    Instant second = now.minusSeconds(8 * DAY_S);
    SegmentRow a = fx.fmp4Segment(cam, first, key(cam, first), init);
    SegmentRow b = fx.fmp4Segment(cam, second, key(cam, second), init);
    fx.sweep();
    assertFalse(fx.rowExists(a));
    assertFalse(fx.rowExists(b));
    assertNull(fx.object(a.objectKey()));
    assertNull(fx.object(b.objectKey()));
    assertNull(fx.object(init), "no row needs the init segment any more: deleted");
  }

  @Test
  void sweep_initOfACameraWithLongerRetention_isKept() {
    String shortCam = cameraId("ret-init-7");
    String longCam = cameraId("ret-init-30");
    fx.setRetention(longCam, 30);
    // one content-named init announced by two cameras (their prefixes overlapped before that was refused)
    String init = ObjectKeys.initKey(shortCam, "3".repeat(64));
    Instant at = now.minusSeconds(8 * DAY_S);
    SegmentRow expired = fx.fmp4Segment(shortCam, at, key(shortCam, at), init);
    SegmentRow kept = fx.fmp4Segment(longCam, at, key(longCam, at), init);
    fx.sweep();
    assertFalse(fx.rowExists(expired));
    assertTrue(fx.rowExists(kept));
    assertArrayEquals(RetentionFixture.body(init), fx.object(init), "the 30-day camera still needs it");
  }
}
