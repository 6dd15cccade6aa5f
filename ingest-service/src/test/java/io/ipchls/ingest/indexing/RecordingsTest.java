package io.ipchls.ingest.indexing;

import io.ipchls.ingest.IngestTestSupport;
import io.ipchls.ingest.shared.RecordingGapRule;
import static io.ipchls.ingest.IngestTestSupport.await;
import static io.ipchls.ingest.IngestTestSupport.cameraId;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipchls.protocol.ObjectKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The 180 s rule on the recordings table, written the way ingest writes it (one {@code index_segments} call per
 * batch): contiguous runs, gaps on both sides of the limit, backfill inside, before and between recordings,
 * duplicates, and several writers on one camera at once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordingsTest {
  private static final int GAP_MS = RecordingGapRule.DEFAULT.gapMs();
  private static final int SEGMENT_MS = 3_000;
  private static final long SEGMENT_BYTES = 100_000;
  private static final OffsetDateTime T0 =
      Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS).atOffset(ZoneOffset.UTC);
  private static IngestTestSupport support;
  private static SegmentRepository segments;
  private static RecordingRepository recordings;

  @BeforeAll
  static void migrate(Vertx vertx) {
    support = new IngestTestSupport(vertx).migrate();
    segments = new SegmentRepository(support.pool, RecordingGapRule.DEFAULT);
    recordings = new RecordingRepository(support.pool);
  }

  /** A 3 s segment of the camera starting {@code offsetMs} after T0. */
  private static SegmentRow at(String camera, long offsetMs) {
    OffsetDateTime start = T0.plus(offsetMs, ChronoUnit.MILLIS);
    return new SegmentRow(camera, start, SEGMENT_MS, ObjectKeys.segmentKey(camera, start.toInstant(), offsetMs),
        SEGMENT_BYTES, null, offsetMs, "h264", 640, 360, start, /* clockJump= */ false, /* discontinuity= */ false);
  }

  private static void write(SegmentRow... rows) {
    await(segments.insertAndApplyGapRule(List.of(rows)));
  }

  private static List<Recording> recordingsOf(String camera) {
    return await(recordings.overlapping(camera, T0.minusDays(1), T0.plusDays(1)));
  }

  /** Asserts that {@code cam} has exactly one recording, with these bounds and segments; returns it. */
  private static Recording onlyRecording(String cam, long startOffsetMs, long endOffsetMs, int count) {
    List<Recording> recs = recordingsOf(cam);
    assertEquals(1, recs.size(), recs.toString());
    assertRecording(recs.get(0), startOffsetMs, endOffsetMs, count);
    return recs.get(0);
  }

  private static void assertRecording(Recording r, long startOffsetMs, long endOffsetMs, int count) {
    assertEquals(T0.plus(startOffsetMs, ChronoUnit.MILLIS).toInstant(), r.start().toInstant(), "start of " + r);
    assertEquals(T0.plus(endOffsetMs, ChronoUnit.MILLIS).toInstant(), r.end().toInstant(), "end of " + r);
    assertEquals(count, r.segmentCount(), "segments of " + r);
    assertEquals(count * SEGMENT_BYTES, r.bytes(), "bytes of " + r);
  }

  @Test
  void contiguousSegments_formOneRecording() {
    String cam = cameraId("rec-contig");
    write(at(cam, 0), at(cam, 3_000));
    long id = recordingsOf(cam).get(0).id();
    write(at(cam, 6_000));
    write(at(cam, 9_000), at(cam, 12_000));
    assertEquals(id,
        onlyRecording(cam, /* startOffsetMs= */ 0, /* endOffsetMs= */ 15_000, /* count= */ 5).id(),
        "the recording keeps its id while it grows");
  }

  @Test
  void gapOfExactly180s_continuesTheRecording() {
    String cam = cameraId("rec-gap180");
    write(at(cam, 0));
    write(at(cam, SEGMENT_MS + GAP_MS));
    onlyRecording(cam, /* startOffsetMs= */ 0, /* endOffsetMs= */ 2L * SEGMENT_MS + GAP_MS, /* count= */ 2);
  }

  @Test
  void gapOver180s_startsANewRecording() {
    String cam = cameraId("rec-gap181");
    write(at(cam, 0));
    write(at(cam, SEGMENT_MS + GAP_MS + 1));
    List<Recording> recs = recordingsOf(cam);
    assertEquals(2, recs.size(), recs.toString());
    assertRecording(recs.get(0), /* startOffsetMs= */ 0, /* endOffsetMs= */ SEGMENT_MS, /* count= */ 1);
    assertRecording(recs.get(1), /* startOffsetMs= */ SEGMENT_MS + GAP_MS + 1,
        /* endOffsetMs= */ 2L * SEGMENT_MS + GAP_MS + 1, /* count= */ 1);
  }

  @Test
  void backfillInTheMiddle_joinsItsRecording() {
    String cam = cameraId("rec-middle");
    write(at(cam, 0), at(cam, 3_000), at(cam, 9_000), at(cam, 12_000));
    long id = recordingsOf(cam).get(0).id();
    write(at(cam, 6_000));
    assertEquals(id, onlyRecording(cam, /* startOffsetMs= */ 0, /* endOffsetMs= */ 15_000, /* count= */ 5).id());
  }

  @Test
  void backfillBeforeTheStart_extendsTheRecordingBackwards() {
    String cam = cameraId("rec-front");
    write(at(cam, 200_000));
    long id = recordingsOf(cam).get(0).id();
    write(at(cam, 100_000));
    assertEquals(id, onlyRecording(cam, /* startOffsetMs= */ 100_000, /* endOffsetMs= */ 203_000, /* count= */ 2).id());
  }

  @Test
  void backfillClosingTheGap_mergesTwoRecordings_keepingTheEarlierId() {
    String cam = cameraId("rec-merge");
    write(at(cam, 0));
    write(at(cam, 303_000)); // 300 s after the first one ends: a second recording
    List<Recording> before = recordingsOf(cam);
    assertEquals(2, before.size(), before.toString());
    write(at(cam, 150_000)); // 147 s after the first, 150 s before the second
    assertEquals(before.get(0).id(),
        onlyRecording(cam, /* startOffsetMs= */ 0, /* endOffsetMs= */ 306_000, /* count= */ 3).id());
  }

  @Test
  void backfillTooFarFromBoth_staysItsOwnRecording() {
    String cam = cameraId("rec-island");
    write(at(cam, 0));
    write(at(cam, 603_000));
    write(at(cam, 300_000)); // 297 s and 300 s away
    List<Recording> recs = recordingsOf(cam);
    assertEquals(3, recs.size(), recs.toString());
    assertRecording(recs.get(1), /* startOffsetMs= */ 300_000, /* endOffsetMs= */ 303_000, /* count= */ 1);
  }

  @Test
  void oneBatchMergingThreeRecordings_outOfOrder() {
    String cam = cameraId("rec-batch");
    write(at(cam, 0));
    write(at(cam, 300_000));
    write(at(cam, 600_000));
    assertEquals(3, recordingsOf(cam).size());
    write(at(cam, 450_000), at(cam, 150_000)); // each closes one gap
    onlyRecording(cam, /* startOffsetMs= */ 0, /* endOffsetMs= */ 603_000, /* count= */ 5);
  }

  @Test
  void duplicateSegments_countOnce() {
    String cam = cameraId("rec-dup");
    SegmentRow a = at(cam, 0);
    SegmentRow b = at(cam, 3_000);
    write(a, a, b);
    write(b, a);
    onlyRecording(cam, /* startOffsetMs= */ 0, /* endOffsetMs= */ 6_000, /* count= */ 2);
  }

  @Test
  void configuredGap_decidesTheSplit() {
    String cam = cameraId("rec-gap10");
    var tenSeconds = new SegmentRepository(support.pool, new RecordingGapRule(/* gapSeconds= */ 10));
    await(tenSeconds.insertAndApplyGapRule(List.of(at(cam, 0), at(cam, 13_000), at(cam, 27_000))));
    List<Recording> recs = recordingsOf(cam);
    assertEquals(2, recs.size(), "10 s gap continues, 11 s splits: " + recs);
    assertRecording(recs.get(0), /* startOffsetMs= */ 0, /* endOffsetMs= */ 16_000, /* count= */ 2);
  }

  @Test
  void concurrentWritersOnOneCamera_endWithTheSameRecordings() {
    String cam = cameraId("rec-race");
    // 3 recordings of 40 segments each, written as 30 shuffled batches of 4 through parallel connections
    List<SegmentRow> rows = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      for (int i = 0; i < 40; i++) rows.add(at(cam, r * 1_000_000L + i * SEGMENT_MS));
    }
    Collections.shuffle(rows, new Random(42));
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < rows.size(); i += 4) writes.add(segments.insertAndApplyGapRule(rows.subList(i, i + 4)));
    await(Future.all(writes));
    List<Recording> recs = recordingsOf(cam);
    assertEquals(3, recs.size(), recs.toString());
    for (int r = 0; r < 3; r++) {
      assertRecording(recs.get(r), /* startOffsetMs= */ r * 1_000_000L,
          /* endOffsetMs= */ r * 1_000_000L + 40L * SEGMENT_MS, /* count= */ 40);
    }
  }
}
